import 'reflect-metadata';
import { EncodersEnv } from '@frontier/multimodal-encoders';
import { loadEnv } from '@frontier/platform-config';
import { bootstrapHttp } from '@frontier/platform-nest';
import { AppModule } from './app.module';
import { gatewayConfig } from './config';
import { ChatGatewayEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv(ChatGatewayEnv, process.env, 'chat-gateway');
  const encoders = loadEnv(EncodersEnv, process.env, 'chat-gateway');
  await bootstrapHttp(AppModule.register(env, gatewayConfig(env, encoders)), { service: 'chat-gateway', title: 'Frontier multimodal chat gateway', port: env.PORT, host: env.HOST });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
