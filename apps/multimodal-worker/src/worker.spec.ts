import { NestFactory } from '@nestjs/core';
import { QueueEvents } from 'bullmq';
import { MULTIMODAL_JOBS, MultimodalJobs } from '@frontier/multimodal-contracts';
import { MultimodalService } from '@frontier/multimodal-nest';
import { loadEnv } from '@frontier/platform-config';
import { TenancyService } from '@frontier/platform-nest';
import { bullConnection, JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { MultimodalWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

describe('multimodal-worker (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  beforeAll(async () => {
    db = await createTestDatabase('multimodal_worker');
    redis = await createTestRedis('multimodalworker');
  }, 30_000);
  afterAll(async () => {
    await redis.cleanup();
    await db.drop();
  });

  it('boots with a handler per job and processes a queued item', async () => {
    const env = loadEnv(MultimodalWorkerEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix });
    const app = await NestFactory.createApplicationContext(WorkerModule.register(env), { logger: false });
    const events = new QueueEvents(MULTIMODAL_JOBS.queue, { connection: bullConnection(redis.url), prefix: redis.prefix });
    await events.waitUntilReady();

    const tenant = await app.get(TenancyService).createTenant('worker-test');
    const service = app.get(MultimodalService);
    const item = await service.create(tenant.id, 'First');
    // the job create() queued (its id is the item's): wait for the worker to finish it
    const job = await app.get(JobQueue).enqueue(MultimodalJobs.processItem, { tenantId: tenant.id, itemId: item.id });
    await job.waitUntilFinished(events, 20_000);
    expect((await service.get(tenant.id, item.id)).processedAt).toBeInstanceOf(Date);

    await events.close();
    await app.close();
  }, 30_000);

  it('refuses to boot on a bad environment, naming the variable', () => {
    expect(() => loadEnv(MultimodalWorkerEnv, { WORKER_CONCURRENCY: '0' }, 'multimodal-worker')).toThrow(/multimodal-worker: invalid environment\n {2}- WORKER_CONCURRENCY="0"/);
  });
});
