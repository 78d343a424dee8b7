import 'reflect-metadata';
import { loadEnv } from '@frontier/platform-config';
import { createConsoleApp } from './console.app';
import { ConsoleEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv(ConsoleEnv, process.env, 'console');
  const app = await createConsoleApp(env);
  app.enableShutdownHooks();
  await app.listen(env.CONSOLE_PORT, env.CONSOLE_HOST);
  console.log(`console: http://${env.CONSOLE_HOST}:${env.CONSOLE_PORT}/ (memory ${env.MEMORY_API_URL}, gateway ${env.GATEWAY_URL}, recsys ${env.RECSYS_API_URL})`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
