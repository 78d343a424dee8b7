import 'reflect-metadata';
import { loadEnv } from '@frontier/platform-config';
import { bootstrapWorker } from '@frontier/platform-nest';
import { PlatformWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const env = loadEnv(PlatformWorkerEnv, process.env, 'platform-worker');
  await bootstrapWorker(WorkerModule.register(env), { service: 'platform-worker', shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
