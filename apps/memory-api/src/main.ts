import 'reflect-metadata';
import { loadEnv } from '@frontier/platform-config';
import { loadModelsConfig } from '@frontier/ml-registry';
import { bootstrapHttp } from '@frontier/platform-nest';
import { AppModule } from './app.module';
import { MemoryApiEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv(MemoryApiEnv, process.env, 'memory-api');
  loadModelsConfig(); // fail at boot on a bad ML_* variable, naming it
  await bootstrapHttp(AppModule.register(env), { service: 'memory-api', title: 'Frontier memory API', port: env.PORT, host: env.HOST, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
