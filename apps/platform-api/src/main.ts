import 'reflect-metadata';
import { loadEnv } from '@frontier/platform-config';
import { bootstrapHttp } from '@frontier/platform-nest';
import { AppModule } from './app.module';
import { PlatformApiEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv(PlatformApiEnv, process.env, 'platform-api');
  await bootstrapHttp(AppModule.register(env), { service: 'platform-api', title: 'Frontier platform API', port: env.PORT, host: env.HOST, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
