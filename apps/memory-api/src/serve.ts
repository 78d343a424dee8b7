import { bootstrapHttp } from '@frontier/platform-nest';
import { AppModule } from './app.module';
import { MemoryApiEnv } from './env';

/** Boots the Nest app. main.ts imports this file lazily so a cluster primary never loads Nest. */
export async function serve(env: MemoryApiEnv): Promise<void> {
  await bootstrapHttp(AppModule.register(env), { service: 'memory-api', title: 'Frontier memory API', port: env.PORT, host: env.HOST, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
}
