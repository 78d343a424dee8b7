import { NestFactory } from '@nestjs/core';
import { loadEnv } from '@frontier/platform-config';
import { MEMORY_QUEUE, MemoryJobs } from '@frontier/memory-contracts';
import { QueueEvents } from 'bullmq';
import { loadModelsConfig } from '@frontier/ml-registry';
import { bullConnection, bullPrefix, JobQueue } from '@frontier/platform-queue';
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
    const events = new QueueEvents('memory', { connection: bullConnection(redis.url), prefix: bullPrefix(redis.prefix) });
    await events.waitUntilReady();
    const tenant = await app.get(PrismaService).tenant.create({ data: { name: 'worker' } });
    const job = await app.get(JobQueue).enqueue(MemoryJobs.rebuildBiography, { tenantId: tenant.id, userId: 'nobody', force: true }, { delay: 0 });
    const result = (await job.waitUntilFinished(events, 30_000)) as { rebuilt: boolean; factCount: number; generator: string };
    expect(result).toMatchObject({ rebuilt: true, factCount: 0, generator: 'deterministic-v1' });
    // the monthly sweep and the every-minute reconciler are registered as job schedulers when the worker boots
    const schedulers = await app.get(JobQueue).queue(MEMORY_QUEUE).getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern]).sort()).toEqual([
      ['memory-biography-monthly', '0 3 1 * *'],
      ['memory-reconcile-erasures', '* * * * *'],
      ['memory-reconcile-sessions', '* * * * *'],
      ['memory-sync-compact-daily', '30 4 * * *'],
    ]);
    const sweep = await app.get(JobQueue).enqueue(MemoryJobs.biographySweep, { olderThanDays: 30 });
    expect(await sweep.waitUntilFinished(events, 30_000)).toEqual({ queued: 0 });
    const compact = await app.get(JobQueue).enqueue(MemoryJobs.compactSync, {});
    expect(await compact.waitUntilFinished(events, 30_000)).toEqual({ removed: 0 });
    await events.close();
    await app.close();
  }, 60_000);

  it('the start check queues sessions left unprocessed (a Redis that restarted empty, a worker that died), and the reconcile job does the same', async () => {
    const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, MEMORY_RECONCILE_AFTER_S: '30' };
    const prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    const tenant = await prisma.tenant.create({ data: { name: 'stranded' } });
    // stored while no worker ran, their jobs lost: one never picked up, one a dead worker had started
    const stranded = async (externalId: string, status: string) =>
      prisma.memorySession.create({
        data: {
          tenantId: tenant.id,
          userId: 'sam',
          externalId,
          sourceHash: externalId,
          startedAt: new Date(),
          status,
          extractMode: 'explicit',
          updatedAt: new Date(Date.now() - 60_000),
          turns: { create: [{ ordinal: 0, turnId: 't0', role: 'user', text: `I work at ${externalId === 'lost' ? 'Acme' : 'Initech'}.` }] },
        },
      });
    const [lost, died] = [await stranded('lost', 'received'), await stranded('died', 'processing')];
    const fresh = await prisma.memorySession.create({ data: { tenantId: tenant.id, userId: 'sam', externalId: 'fresh', sourceHash: 'f', startedAt: new Date(), turns: { create: [{ ordinal: 0, turnId: 't0', role: 'user', text: 'hello' }] } } });

    const app = await NestFactory.createApplicationContext(WorkerModule.register(loadEnv(MemoryWorkerEnv, base), {}), { logger: false });
    const statusOf = async (id: string) => (await prisma.memorySession.findUniqueOrThrow({ where: { id } })).status;
    const t0 = Date.now();
    while ((await statusOf(lost.id)) !== 'processed' || (await statusOf(died.id)) !== 'processed') {
      if (Date.now() - t0 > 30_000) throw new Error(`not processed: ${await statusOf(lost.id)}, ${await statusOf(died.id)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // within the bound: left to its own job (none here), not queued by the start check
    expect(await statusOf(fresh.id)).toBe('received');
    expect(await app.get(JobQueue).queue(MEMORY_QUEUE).getJob(`memory-extract.${fresh.id}`)).toBeUndefined();

    // the scheduled job: the same check, any bound
    await prisma.memorySession.update({ where: { id: fresh.id }, data: { updatedAt: new Date(Date.now() - 60_000) } });
    const events = new QueueEvents('memory', { connection: bullConnection(redis.url), prefix: bullPrefix(redis.prefix) });
    await events.waitUntilReady();
    const run = await app.get(JobQueue).enqueue(MemoryJobs.reconcileSessions, {});
    expect(await run.waitUntilFinished(events, 30_000)).toEqual({ stale: 1, requeued: 1, pending: 0, failed: 0 });
    await events.close();
    await app.close();
    await prisma.onModuleDestroy();
  }, 90_000);

  it('refuses to boot on a bad model setting, naming the variable', async () => {
    expect(() => loadModelsConfig({ ML_EMBEDDING: 'word2vec' })).toThrow(/^ML_EMBEDDING: unknown adapter "word2vec"/);
    expect(() => loadEnv(MemoryWorkerEnv, { WORKER_CONCURRENCY: '0' }, 'memory-worker')).toThrow(/WORKER_CONCURRENCY must not be less than 1/);
  });
});
