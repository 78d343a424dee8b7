import { NestFactory } from '@nestjs/core';
import { RECSYS_EVENTS_STREAM, RecsysJobs } from '@frontier/recsys-contracts';
import { BatchStreamService, EventsService, FeaturesService, ItemsService } from '@frontier/recsys-nest';
import { loadEnv } from '@frontier/platform-config';
import { JetStreamEventBus } from '@frontier/platform-events';
import { PrismaService } from '@frontier/platform-prisma';
import { JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, freePort, until, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { RecsysWorkerEnv } from './env';
import { WorkerModule } from './worker.module';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

describe('recsys-events on the event bus (real Postgres + Redis; JetStream on the local nats-server)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaService;
  let tenantId: string;
  let n = 0;
  // closed after each test, passed or failed: a worker left running keeps Jest from exiting
  const apps: Array<{ close(): Promise<void> }> = [];

  const boot = async (extra: Record<string, string> = {}) => {
    const app = await NestFactory.createApplicationContext(WorkerModule.register(loadEnv(RecsysWorkerEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, ...extra }), {}), { logger: false });
    apps.push(app);
    return app;
  };
  const featured = async (batchId: string) => (await prisma.recsysEventBatch.findUniqueOrThrow({ where: { id: batchId } })).featuredAt !== null;
  const ingestOne = (app: Awaited<ReturnType<typeof boot>>) =>
    app.get(EventsService).ingest(tenantId, [{ eventId: `e${++n}`, userId: 'u', itemId: 'v1', type: 'click', at: new Date(Date.now() - 1_000) }]);
  const featureJob = (app: Awaited<ReturnType<typeof boot>>, batchId: string) => app.get(JobQueue).queue(RecsysJobs.featureBatch.queue).getJob(`recsys-features.${batchId}`);

  beforeAll(async () => {
    db = await createTestDatabase('recsys_events');
    redis = await createTestRedis('recsysevents');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    tenantId = (await prisma.tenant.create({ data: { name: 'events-test' } })).id;
  }, 30_000);

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close().catch(() => undefined)));
  }, 30_000);

  afterAll(async () => {
    const js = new JetStreamEventBus(NATS_URL, { prefix: redis.prefix });
    for (const s of [RECSYS_EVENTS_STREAM, `${RECSYS_EVENTS_STREAM}.dead`]) await js.deleteStream(s);
    await js.close();
    await prisma.onModuleDestroy();
    await redis.cleanup();
    await db.drop();
  });

  it.each(['redis', 'jetstream'])('EVENT_BUS=%s: a stored batch is published, featured by the features group and marked by the training group, with no job queued', async (kind) => {
    const app = await boot({ EVENT_BUS: kind, NATS_URL });
    await app.get(ItemsService).upsert(tenantId, [{ id: 'v1', creator: 'ann', category: 'music', embedding: [1, 0] }]);
    const before = await app.get(BatchStreamService).newTrainingBatches(tenantId);
    const batchId = (await ingestOne(app)).batchId as string;
    await until(() => featured(batchId), 20_000, 'the batch featured');
    await until(async () => (await app.get(BatchStreamService).newTrainingBatches(tenantId)) === before + 1, 20_000, 'the training mark');
    expect(await featureJob(app, batchId)).toBeFalsy();
    expect((await app.get(FeaturesService).userFeatures(tenantId, 'u')).windows['1h'].click).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('a publish the broker cannot take (NATS unreachable) answers the ingest all the same and queues the feature job instead', async () => {
    const app = await boot({ EVENT_BUS: 'jetstream', NATS_URL: `nats://127.0.0.1:${await freePort()}` });
    const r = await ingestOne(app);
    expect(r.stored).toBe(1);
    expect(await featureJob(app, r.batchId as string)).toBeTruthy();
    await until(() => featured(r.batchId as string), 20_000, 'the batch featured by its job');
  }, 60_000);
});
