import 'reflect-metadata';
import { loadEnv } from '@frontier/platform-config';
import { bootstrapHttp } from '@frontier/platform-nest';
import { AppModule } from './app.module';
import { ChatGatewayEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv(ChatGatewayEnv, process.env, 'chat-gateway');
  await bootstrapHttp(AppModule.register(env), { service: 'chat-gateway', title: 'Frontier multimodal chat gateway', port: env.PORT, host: env.HOST });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
