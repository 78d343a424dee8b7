import 'reflect-metadata';
import { loadEnv } from '@frontier/platform-config';
import { PinoLogger } from '@frontier/platform-nest';
import { startEncoderWorker } from './bootstrap';
import { EncoderWorkerEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv(EncoderWorkerEnv, process.env, 'encoder-worker');
  await startEncoderWorker(env, new PinoLogger('encoder-worker'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
