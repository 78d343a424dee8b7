import { NestFactory } from '@nestjs/core';
import { QueueEvents } from 'bullmq';
import { RECSYS_JOBS, RecsysJobs } from '@frontier/recsys-contracts';
import { EventRepository, FeatureStore } from '@frontier/recsys-data-access';
import { EventsService, FeaturesService, ItemsService } from '@frontier/recsys-nest';
import { loadEnv } from '@frontier/platform-config';
import { PrismaService } from '@frontier/platform-prisma';
import { bullConnection, bullPrefix, JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, until, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { RecsysWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

describe('recsys-worker (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaService;
  let tenantId: string;

  const boot = (extra: Record<string, string> = {}) =>
    NestFactory.createApplicationContext(WorkerModule.register(loadEnv(RecsysWorkerEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, ...extra }), {}), { logger: false });
  const featured = async (batchId: string) => (await prisma.recsysEventBatch.findUniqueOrThrow({ where: { id: batchId } })).featuredAt !== null;

  beforeAll(async () => {
    db = await createTestDatabase('recsys_worker');
    redis = await createTestRedis('recsysworker');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    tenantId = (await prisma.tenant.create({ data: { name: 'worker-test' } })).id;
  }, 30_000);
  afterAll(async () => {
    await prisma.onModuleDestroy();
    await redis.cleanup();
    await db.drop();
  });

  it('boots with a handler per job and its schedules; a stored batch reaches the user features; item stats and a rebuild run as jobs', async () => {
    const app = await boot();
    const events = new QueueEvents(RECSYS_JOBS.queue, { connection: bullConnection(redis.url), prefix: bullPrefix(redis.prefix) });
    await events.waitUntilReady();
    const jobs = app.get(JobQueue);
    expect((await jobs.queue(RECSYS_JOBS.queue).getJobSchedulers()).map((s) => [s.key, s.pattern]).sort()).toEqual([
      ['recsys-aggregate-items', '*/5 * * * *'],
      ['recsys-maintain-partitions', '7 0 * * *'],
      ['recsys-reconcile-events', '* * * * *'],
    ]);
    // the start check made today's impression partition
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    expect((await prisma.$queryRawUnsafe<Array<{ t: string | null }>>(`SELECT to_regclass('recsys_impressions_${today}')::text AS t`))[0]?.t).toBe(`recsys_impressions_${today}`);

    await app.get(ItemsService).upsert(tenantId, [{ id: 'v1', creator: 'ann', category: 'music', embedding: [1, 0] }]);
    const r = await app.get(EventsService).ingest(tenantId, [
      { eventId: 'w1', userId: 'u', itemId: 'v1', type: 'impression', at: new Date(Date.now() - 60_000) },
      { eventId: 'w2', userId: 'u', itemId: 'v1', type: 'watch', watchSeconds: 20, at: new Date(Date.now() - 30_000) },
    ]);
    await until(() => featured(r.batchId as string), 20_000);
    expect((await app.get(FeaturesService).userFeatures(tenantId, 'u')).windows['1h']).toMatchObject({ impression: 1, watch: 1, watchMean: 20 });

    // item runs take batches stored at least 5 s ago (their transactions settled)
    await prisma.recsysEventBatch.update({ where: { id: r.batchId as string }, data: { createdAt: new Date(Date.now() - 10_000) } });
    const agg = await jobs.enqueue(RecsysJobs.aggregateItems, {});
    expect((await agg.waitUntilFinished(events, 20_000)).runs).toEqual([expect.objectContaining({ tenantId, outcome: 'applied', rows: 2 })]);
    expect((await app.get(FeaturesService).itemFeatures(tenantId, ['v1'])).get('v1')?.total).toMatchObject({ impression: 1, watch: 1 });

    // Redis loses the tenant: the rebuild job puts the same counts back
    await app.get(FeatureStore).wipe(tenantId);
    const rebuild = await jobs.requeue(RecsysJobs.rebuildFeatures, { tenantId });
    expect(await rebuild.job.waitUntilFinished(events, 20_000)).toEqual([expect.objectContaining({ tenantId, rebuilt: true, batches: 1, runs: 1 })]);
    expect((await app.get(FeaturesService).userFeatures(tenantId, 'u')).windows['1h']).toMatchObject({ impression: 1, watch: 1 });
    expect((await app.get(FeaturesService).itemFeatures(tenantId, ['v1'])).get('v1')?.total).toMatchObject({ impression: 1, watch: 1 });

    await events.close();
    await app.close();
  }, 60_000);

  it('a batch stored while no job could be queued (Redis down, a lost job) is featured by the start check of the next worker', async () => {
    // stored directly, as the API does, without its job
    const stored = await new EventRepository(prisma).insertBatch(tenantId, [
      { eventId: 'lost-1', userId: 'v', itemId: 'v1', category: 'music', type: 'click', watchSeconds: null, surface: null, requestId: null, position: null, propensity: null, at: new Date(), flagged: false, flagReason: null },
    ]);
    await prisma.recsysEventBatch.update({ where: { id: stored.batchId as string }, data: { createdAt: new Date(Date.now() - 120_000) } });
    const app = await boot({ RECSYS_RECONCILE_AFTER_S: '60' });
    await until(() => featured(stored.batchId as string), 20_000);
    expect((await app.get(FeaturesService).userFeatures(tenantId, 'v')).windows['1h'].click).toBe(1);
    await app.close();
  }, 60_000);

  it('refuses to boot on a bad environment, naming the variable', () => {
    expect(() => loadEnv(RecsysWorkerEnv, { WORKER_CONCURRENCY: '0' }, 'recsys-worker')).toThrow(/recsys-worker: invalid environment\n {2}- WORKER_CONCURRENCY="0"/);
    expect(() => loadEnv(RecsysWorkerEnv, { RECSYS_RECONCILE_AFTER_S: '0' }, 'recsys-worker')).toThrow(/RECSYS_RECONCILE_AFTER_S="0"/);
  });
});
