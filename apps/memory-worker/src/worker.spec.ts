import { NestFactory } from '@nestjs/core';
import { loadEnv } from '@frontier/platform-config';
import { MEMORY_QUEUE, MemoryJobs } from '@frontier/memory-contracts';
import { QueueEvents } from 'bullmq';
import { loadModelsConfig } from '@frontier/ml-registry';
import { bullConnection, JobQueue } from '@frontier/platform-queue';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { MemoryWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

describe('memory-worker (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  beforeAll(async () => {
    db = await createTestDatabase('memory_worker');
    redis = await createTestRedis('memoryworker');
  });
  afterAll(async () => {
    await redis.cleanup();
    await db.drop();
  });

  it('boots with exactly one handler per memory job and rebuilds a biography on demand', async () => {
    const env = loadEnv(MemoryWorkerEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix });
    const app = await NestFactory.createApplicationContext(WorkerModule.register(env, {}), { logger: false });
    const events = new QueueEvents('memory', { connection: bullConnection(redis.url), prefix: redis.prefix });
    await events.waitUntilReady();
    const tenant = await app.get(PrismaService).tenant.create({ data: { name: 'worker' } });
    const job = await app.get(JobQueue).enqueue(MemoryJobs.rebuildBiography, { tenantId: tenant.id, userId: 'nobody', force: true }, { delay: 0 });
    const result = (await job.waitUntilFinished(events, 30_000)) as { rebuilt: boolean; factCount: number; generator: string };
    expect(result).toMatchObject({ rebuilt: true, factCount: 0, generator: 'deterministic-v1' });
    // the monthly sweep is registered as a job scheduler when the worker boots
    const schedulers = await app.get(JobQueue).queue(MEMORY_QUEUE).getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern])).toEqual([['memory-biography-monthly', '0 3 1 * *']]);
    const sweep = await app.get(JobQueue).enqueue(MemoryJobs.biographySweep, { olderThanDays: 30 });
    expect(await sweep.waitUntilFinished(events, 30_000)).toEqual({ queued: 0 });
    await events.close();
    await app.close();
  }, 60_000);

  it('refuses to boot on a bad model setting, naming the variable', async () => {
    expect(() => loadModelsConfig({ ML_EMBEDDING: 'word2vec' })).toThrow(/^ML_EMBEDDING: unknown adapter "word2vec"/);
    expect(() => loadEnv(MemoryWorkerEnv, { WORKER_CONCURRENCY: '0' }, 'memory-worker')).toThrow(/WORKER_CONCURRENCY must not be less than 1/);
  });
});
