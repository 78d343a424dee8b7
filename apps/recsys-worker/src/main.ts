import 'reflect-metadata';
import { loadEnv } from '@frontier/platform-config';
import { bootstrapWorker } from '@frontier/platform-nest';
import { RecsysWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const env = loadEnv(RecsysWorkerEnv, process.env, 'recsys-worker');
  await bootstrapWorker(WorkerModule.register(env), { service: 'recsys-worker' });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
