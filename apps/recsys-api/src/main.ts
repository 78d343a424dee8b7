import 'reflect-metadata';
import { loadEnv } from '@frontier/platform-config';
import { bootstrapHttp } from '@frontier/platform-nest';
import { AppModule } from './app.module';
import { RecsysApiEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv(RecsysApiEnv, process.env, 'recsys-api');
  await bootstrapHttp(AppModule.register(env), { service: 'recsys-api', title: 'Frontier recommender API', port: env.PORT, host: env.HOST });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
