import 'reflect-metadata';
import { loadEnv } from '@frontier/platform-config';
import { loadModelsConfig } from '@frontier/ml-registry';
import { bootstrapWorker } from '@frontier/platform-nest';
import { MemoryWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const env = loadEnv(MemoryWorkerEnv, process.env, 'memory-worker');
  loadModelsConfig(); // fail at boot on a bad ML_* variable, naming it
  await bootstrapWorker(WorkerModule.register(env), { service: 'memory-worker', shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
