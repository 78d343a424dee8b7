import 'reflect-metadata';
import cluster from 'node:cluster';
import { loadEnv } from '@frontier/platform-config';
import { loadModelsConfig } from '@frontier/ml-registry';
import { followPrimary, runPrimary, workerCount } from './cluster';
import { MemoryApiEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv(MemoryApiEnv, process.env, 'memory-api');
  loadModelsConfig(); // fail at boot on a bad ML_* variable, naming it
  const workers = workerCount(env.MEMORY_API_WORKERS);
  if (cluster.isPrimary && workers > 1) {
    runPrimary({ workers, execArgv: env.MEMORY_API_SEMI_SPACE_MB > 0 ? [`--max-semi-space-size=${env.MEMORY_API_SEMI_SPACE_MB}`] : [], log: (m) => process.stderr.write(`${JSON.stringify({ level: 30, time: new Date().toISOString(), service: 'memory-api', context: 'cluster', msg: m })}\n`) });
    return;
  }
  if (cluster.isWorker) followPrimary();
  // loaded here, not at the top: a cluster primary runs no app and never loads Nest
  const { serve } = await import('./serve');
  await serve(env);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
