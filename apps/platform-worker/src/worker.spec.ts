import { NestFactory } from '@nestjs/core';
import { QueueEvents } from 'bullmq';
import { loadEnv } from '@frontier/platform-config';
import { PLATFORM_JOBS, PlatformJobs } from '@frontier/platform-contracts';
import { TenancyService } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { bullConnection, bullPrefix, JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { PlatformWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

describe('platform-worker (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  beforeAll(async () => {
    db = await createTestDatabase('platform_worker');
    redis = await createTestRedis('platformworker');
  });
  afterAll(async () => {
    await redis.cleanup();
    await db.drop();
  });

  it('boots with one handler per job, processes jobs, and drains on close', async () => {
    const env = loadEnv(PlatformWorkerEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, WORKER_CONCURRENCY: '2' });
    const app = await NestFactory.createApplicationContext(WorkerModule.register(env), { logger: false });
    const events = new QueueEvents(PLATFORM_JOBS.queue, { connection: bullConnection(redis.url), prefix: bullPrefix(redis.prefix) });
    await events.waitUntilReady();

    const tenancy = app.get(TenancyService);
    const tenant = await tenancy.createTenant('worker-test');
    const key = await tenancy.issueKey(tenant.id, 'k', ['*']);
    const usedAt = '2026-11-24T08:30:00.000Z';
    const job = await app.get(JobQueue).enqueue(PlatformJobs.apiKeyUsed, { keyId: key.id, usedAt });
    await job.waitUntilFinished(events, 10_000);
    const row = await app.get(PrismaService).apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.lastUsedAt?.toISOString()).toBe(usedAt);

    const ping = await app.get(JobQueue).enqueue(PlatformJobs.ping, { message: 'hi', sentAt: new Date().toISOString() });
    const result = (await ping.waitUntilFinished(events, 10_000)) as { pong: string };
    expect(result.pong).toBe('hi');

    await events.close();
    await app.close();
  });

  it('refuses to boot on a bad environment, naming the variable', () => {
    expect(() => loadEnv(PlatformWorkerEnv, { WORKER_CONCURRENCY: '0' }, 'platform-worker')).toThrow(
      /platform-worker: invalid environment\n {2}- WORKER_CONCURRENCY="0": WORKER_CONCURRENCY must not be less than 1 \[min\]/,
    );
  });
});
