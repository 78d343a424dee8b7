import 'reflect-metadata';
import type { LogLevel } from '@nestjs/common';
import { loadEnv } from '@frontier/platform-config';
import { createConsoleApp } from './console.app';
import { ConsoleEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv(ConsoleEnv, process.env, 'console');
  // LOG_LEVEL as the other apps read it: warn or error leave Nest's start-up lines out
  const quiet: Record<string, LogLevel[]> = { warn: ['warn', 'error', 'fatal'], error: ['error', 'fatal'] };
  const levels = quiet[process.env['LOG_LEVEL'] ?? ''];
  const app = await createConsoleApp(env, levels ? { logger: levels } : {});
  app.enableShutdownHooks();
  await app.listen(env.CONSOLE_PORT, env.CONSOLE_HOST);
  console.log(`console: http://${env.CONSOLE_HOST}:${env.CONSOLE_PORT}/ (memory ${env.MEMORY_API_URL}, gateway ${env.GATEWAY_URL}, recsys ${env.RECSYS_API_URL})`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
