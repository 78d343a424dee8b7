import { EventRepository, FeatureStore, ImpressionRepository, ItemRepository } from '@frontier/recsys-data-access';
import { FEATURE_WINDOWS, itemVector, pairVector, Rng, userVector, type EventType } from '@frontier/recsys-domain';
import { RecsysJobs } from '@frontier/recsys-contracts';
import { PrismaService } from '@frontier/platform-prisma';
import { JobQueue } from '@frontier/platform-queue';
import type { PlatformSettings } from '@frontier/platform-nest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { FrontierError, InvalidInputError } from '@frontier/platform-util';
import type { RecsysConfig } from '../config';
import { ItemEmbedder } from '../embedder';
import { EventsService, type EventInput } from '../events/events.service';
import { ItemsService } from '../items/items.service';
import { FeaturesService } from './features.service';
import { MaintenanceService } from './maintenance.service';

/** Items here always carry their embedding: the port is never asked. */
class NoEmbedder extends ItemEmbedder {
  get(): never {
    throw new Error('not used in this suite');
  }
}

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

describe('the feature pipeline on a real Postgres and Redis', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let prisma: PrismaService;
  let jobs: JobQueue;
  let store: FeatureStore;
  let events: EventRepository;
  let features: FeaturesService;
  let ingest: EventsService;
  let catalog: ItemsService;
  const config: RecsysConfig = { reconcileAfterS: 1, itemRunLagS: 0 };
  let seq = 0;

  const tenant = async (name: string) => (await prisma.tenant.create({ data: { name: `${name}-${++seq}` } })).id;
  const ev = (o: Partial<EventInput> & Pick<EventInput, 'userId' | 'itemId' | 'type'>): EventInput => ({
    eventId: `e${++seq}`,
    at: new Date(Date.now() - MIN),
    ...(o.type === 'watch' ? { watchSeconds: 10 } : {}),
    ...o,
  });
  const addItems = (t: string, rows: Array<[string, string, string]>) =>
    catalog.upsert(
      t,
      rows.map(([id, creator, category]) => ({ id, creator, category, text: id, embedding: [1, 0, 0] })),
    );

  beforeAll(async () => {
    db = await createTestDatabase('recsys_features');
    redis = await createTestRedis('recsysfeatures');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    jobs = new JobQueue({ redisUrl: redis.url, prefix: redis.prefix });
    store = new FeatureStore(redis.client, redis.prefix);
    events = new EventRepository(prisma);
    const items = new ItemRepository(prisma);
    features = new FeaturesService(events, items, store, jobs, config);
    ingest = new EventsService(events, items, jobs, config);
    catalog = new ItemsService(items, store, new NoEmbedder(), redis.client, { redisPrefix: redis.prefix } as PlatformSettings);
  }, 60_000);

  afterAll(async () => {
    await jobs.onApplicationShutdown();
    await prisma.onModuleDestroy();
    await redis.cleanup();
    await db.drop();
  });

  /** What recsys-worker does for every stored batch of a tenant. */
  const featureAll = async (t: string, nowMs = Date.now()) => {
    for (const b of await events.batchesSince(t, new Date(0))) await features.applyBatch(t, b, { nowMs });
  };

  it('serving (Redis, built incrementally) and training (recomputed from the Postgres log) read the same features', async () => {
    const t = await tenant('parity');
    await addItems(t, [
      ['v1', 'ann', 'music'],
      ['v2', 'ann', 'news'],
      ['v3', 'bob', 'music'],
      ['v4', 'bob', 'sports'],
    ]);
    const rng = new Rng(7);
    const types: EventType[] = ['impression', 'impression', 'impression', 'click', 'skip', 'watch', 'purchase'];
    const now = Date.now();
    // 6 batches of 80 events over the last 8 days (some already outside every window)
    for (let b = 0; b < 6; b++) {
      const batch = Array.from({ length: 80 }, () => {
        const type = types[Math.floor(rng.next() * types.length)] as EventType;
        return ev({ userId: `u${Math.floor(rng.next() * 4)}`, itemId: `v${1 + Math.floor(rng.next() * 4)}`, type, at: new Date(now - Math.floor(rng.next() * 8 * DAY)), ...(type === 'watch' ? { watchSeconds: Math.round(rng.next() * 6000) / 100 } : {}) });
      });
      expect((await ingest.ingest(t, batch)).stored).toBe(80);
    }
    const applied = Date.now();
    await featureAll(t, applied);
    const report = await features.aggregateItems(applied + 1_000);
    expect(report.runs.map((r) => [r.tenantId, r.outcome])).toContainEqual([t, 'applied']);
    const at = applied + 2_000;

    for (const u of ['u0', 'u1', 'u2', 'u3']) {
      const serving = await features.userFeatures(t, u, at);
      const training = await features.userFeaturesFromLog(t, u, at);
      expect(serving).toEqual(training);
      expect(Array.from(userVector(serving))).toEqual(Array.from(userVector(training)));
      expect(Array.from(pairVector(serving, 'music'))).toEqual(Array.from(pairVector(training, 'music')));
      expect(serving.windows['7d'].impression).toBeGreaterThan(0);
    }
    const served = await features.itemFeatures(t, ['v1', 'v2', 'v3', 'v4'], at);
    for (const id of ['v1', 'v2', 'v3', 'v4']) {
      const training = await features.itemFeaturesFromLog(t, id, at);
      expect(served.get(id)).toEqual(training);
      expect(Array.from(itemVector(served.get(id) as never))).toEqual(Array.from(itemVector(training as never)));
    }
    expect(served.get('v1')?.total.impression).toBeGreaterThan(0);
    expect(served.get('v1')?.creatorQuality).toBe(served.get('v2')?.creatorQuality);
  }, 60_000);

  it('window buckets expire with their window (TTL = window) and a read later no longer counts them', async () => {
    const t = await tenant('ttl');
    await addItems(t, [['v1', 'ann', 'music']]);
    const now = Date.now();
    await ingest.ingest(t, [ev({ userId: 'u', itemId: 'v1', type: 'click', at: new Date(now - 5 * MIN) }), ev({ userId: 'u', itemId: 'v1', type: 'click', at: new Date(now - 3 * H) })]);
    await featureAll(t, now);
    const f = await features.userFeatures(t, 'u', now);
    expect([f.windows['1h'].click, f.windows['24h'].click, f.windows['7d'].click]).toEqual([1, 2, 2]);
    // each bucket key's expiry is the moment it leaves its window
    for (const w of FEATURE_WINDOWS) {
      const bucket = Math.floor((now - 5 * MIN) / (w.bucketSeconds * 1000));
      const expireAt = await redis.client.pexpiretime(store.userBucketKey(t, 'u', w.name, bucket));
      expect(expireAt).toBe((bucket + w.seconds / w.bucketSeconds) * w.bucketSeconds * 1000);
    }
    // the 3-hour-old click wrote no 1h bucket at all
    const oldBucket = Math.floor((now - 3 * H) / 600_000);
    expect(await redis.client.exists(store.userBucketKey(t, 'u', '1h', oldBucket))).toBe(0);
    const later = await features.userFeatures(t, 'u', now + 2 * H);
    expect([later.windows['1h'].click, later.windows['24h'].click]).toEqual([0, 2]);
    expect((await features.userFeatures(t, 'u', now + 8 * DAY)).windows['7d'].click).toBe(0);
  }, 30_000);

  it('a batch counts once: a repeated job, and a worker killed after the Redis apply but before Postgres noted it', async () => {
    const t = await tenant('once');
    await addItems(t, [['v1', 'ann', 'music']]);
    const r = await ingest.ingest(t, [ev({ userId: 'u', itemId: 'v1', type: 'click' }), ev({ userId: 'u', itemId: 'v1', type: 'watch', watchSeconds: 30 })]);
    const batchId = r.batchId as string;
    // the feature job was queued by the ingest (one job per batch)
    expect(await (await jobs.queue(RecsysJobs.featureBatch.queue).getJob(`recsys-features.${batchId}`))?.data).toEqual({ tenantId: t, batchId });
    expect((await features.applyBatch(t, batchId)).outcome).toBe('applied');
    expect((await features.applyBatch(t, batchId)).outcome).toBe('already');

    // killed between the steps: the counts are in Redis, featured_at is not set
    const r2 = await ingest.ingest(t, [ev({ userId: 'u', itemId: 'v1', type: 'click' })]);
    const b2 = r2.batchId as string;
    const evs = await events.eventsOfBatch(b2);
    const field = `click:music`;
    const bucket = Math.floor((evs[0]?.atMs as number) / 600_000);
    await store.applyBatch(t, b2, [{ key: store.userBucketKey(t, 'u', '1h', bucket), field, by: 1, expiresAtMs: (bucket + 6) * 600_000 }]);
    expect((await events.batch(b2))?.featuredAt).toBeNull();
    // the reconciler finds it (past the bound) and queues it again; the repeat changes no count
    await new Promise((res) => setTimeout(res, 1_100));
    const rec = await features.reconcile();
    expect(rec.stale).toBeGreaterThanOrEqual(1);
    expect((await features.applyBatch(t, b2)).outcome).toBe('already');
    expect((await events.batch(b2))?.featuredAt).toBeInstanceOf(Date);
    expect((await features.userFeatures(t, 'u')).windows['1h']).toMatchObject({ click: 2, watch: 1, watchSeconds: 30 });
  }, 30_000);

  it('an item-stats run counts once: killed after its claim, and killed after its Redis apply — both resumed exactly', async () => {
    const t = await tenant('runs');
    await addItems(t, [['v1', 'ann', 'music']]);
    await ingest.ingest(t, [ev({ userId: 'u', itemId: 'v1', type: 'impression' }), ev({ userId: 'u', itemId: 'v1', type: 'click' })]);
    // killed right after the claim: nothing applied
    const run = '00000000-0000-4000-8000-00000000a001';
    expect(await events.claimItemRun(t, run, new Date(Date.now() + 1_000))).toBe(1);
    const resumed = await features.aggregateItems(Date.now() + 1_000);
    expect(resumed.resumed).toContainEqual(expect.objectContaining({ runId: run, outcome: 'applied' }));
    expect((await features.itemFeatures(t, ['v1'])).get('v1')?.total).toMatchObject({ impression: 1, click: 1 });

    // killed after the Redis apply, before item_applied_at: the next run resumes it, and counts nothing twice
    await ingest.ingest(t, [ev({ userId: 'u', itemId: 'v1', type: 'click' })]);
    const run2 = '00000000-0000-4000-8000-00000000a002';
    await events.claimItemRun(t, run2, new Date(Date.now() + 1_000));
    await features.applyItemRun(t, run2);
    await prisma.recsysEventBatch.updateMany({ where: { itemRun: run2 }, data: { itemAppliedAt: null } });
    const again = await features.aggregateItems(Date.now() + 1_000);
    expect(again.resumed).toContainEqual(expect.objectContaining({ runId: run2, outcome: 'already' }));
    expect((await features.itemFeatures(t, ['v1'])).get('v1')?.total).toMatchObject({ impression: 1, click: 2 });
    expect(await events.pendingItemRuns()).not.toContainEqual(expect.objectContaining({ runId: run2 }));
  }, 30_000);

  it('after Redis loses a tenant the reconciler notices and a rebuild from Postgres gives back the same features', async () => {
    const t = await tenant('rebuild');
    await addItems(t, [
      ['v1', 'ann', 'music'],
      ['v2', 'bob', 'news'],
    ]);
    const now = Date.now();
    await ingest.ingest(t, [
      ev({ userId: 'u1', itemId: 'v1', type: 'impression', at: new Date(now - 2 * MIN) }),
      ev({ userId: 'u1', itemId: 'v1', type: 'click', at: new Date(now - MIN) }),
      ev({ userId: 'u2', itemId: 'v2', type: 'watch', watchSeconds: 42.5, at: new Date(now - 2 * DAY) }),
      ev({ userId: 'u2', itemId: 'v2', type: 'skip', at: new Date(now - 30 * MIN) }),
    ]);
    await featureAll(t, now);
    await features.aggregateItems(now + 1_000);
    // a tenant seen for the first time has no completed rebuild yet: the reconciler asks for one (cheap)
    expect((await features.reconcile(now + 1_000)).rebuilds).toContain(t);
    expect((await features.rebuild(t, now + 1_000)).rebuilt).toBe(true);
    expect((await features.reconcile(now + 1_000)).rebuilds).not.toContain(t);
    const at = now + 2_000;
    const before = { u1: await features.userFeatures(t, 'u1', at), u2: await features.userFeatures(t, 'u2', at), items: await features.itemFeatures(t, ['v1', 'v2'], at) };

    // Redis restarts empty (for this tenant)
    expect(await store.wipe(t)).toBeGreaterThan(5);
    expect((await features.userFeatures(t, 'u1', at)).windows['7d'].click).toBe(0);
    expect((await features.reconcile(now + 1_000)).rebuilds).toContain(t);
    expect(await (await jobs.queue(RecsysJobs.rebuildFeatures.queue).getJob(`recsys-rebuild.${t}`))?.data).toEqual({ tenantId: t });
    const report = await features.rebuild(t, now + 1_000);
    expect(report).toMatchObject({ rebuilt: true, items: 2, batches: 1, runs: 1 });
    expect(await features.userFeatures(t, 'u1', at)).toEqual(before.u1);
    expect(await features.userFeatures(t, 'u2', at)).toEqual(before.u2);
    expect(await features.itemFeatures(t, ['v1', 'v2'], at)).toEqual(before.items);
    // rebuilding again over intact features changes nothing
    await features.rebuild(t, now + 1_000);
    expect(await features.itemFeatures(t, ['v1', 'v2'], at)).toEqual(before.items);
  }, 30_000);

  it('while a rebuild holds a tenant, the pipeline answers busy (the job is retried) and counts nothing', async () => {
    const t = await tenant('busy');
    await addItems(t, [['v1', 'ann', 'music']]);
    const r = await ingest.ingest(t, [ev({ userId: 'u', itemId: 'v1', type: 'click' })]);
    expect(await store.beginRebuild(t, 10_000)).toBe(true);
    expect(await store.beginRebuild(t, 10_000)).toBe(false);
    const err = await features.applyBatch(t, r.batchId as string).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrontierError);
    expect(err).toMatchObject({ category: 'unavailable', code: 'recsys.features_rebuilding' });
    expect((await features.rebuild(t)).rebuilt).toBe(false);
    await store.endRebuild(t);
    expect((await features.applyBatch(t, r.batchId as string)).outcome).toBe('applied');
    expect((await features.userFeatures(t, 'u')).windows['1h'].click).toBe(1);
  }, 30_000);

  it('flags: a bot’s events (session velocity) are stored but left out of features; a CTR spike flags the item and its clicks', async () => {
    const t = await tenant('flags');
    await addItems(t, [
      ['v1', 'ann', 'music'],
      ['v2', 'ann', 'music'],
    ]);
    const now = Date.now();
    // 40 clicks 100 ms apart: the 6th is the 5th inhumanly fast one, flagged with all after it
    const bot = Array.from({ length: 40 }, (_, i) => ev({ userId: 'bot', itemId: 'v1', type: 'click', at: new Date(now - 10_000 + i * 100) }));
    const r = await ingest.ingest(t, [...bot, ev({ userId: 'human', itemId: 'v1', type: 'click', at: new Date(now - 5_000) })]);
    expect(r).toMatchObject({ stored: 41, flagged: 35 });
    const flagged = await prisma.recsysEvent.findMany({ where: { tenantId: t, flagged: true }, select: { flagReason: true } });
    expect(flagged).toHaveLength(35);
    expect(flagged[0]?.flagReason).toMatch(/^bot: 5 clicks under 150 ms apart/);
    await featureAll(t, now);
    expect((await features.userFeatures(t, 'bot', now)).windows['1h'].click).toBe(5);

    // v2: a quiet week (5,000 impressions, 20 clicks three days ago), then 300 impressions and 120
    // clicks in the hour → 1h CTR 0.40 against a 7-day CTR of about 0.026
    for (let b = 0; b < 5; b++) {
      const week = Array.from({ length: 1_000 }, (_, i) => ev({ userId: `h${i % 500}`, itemId: 'v2', type: i < 4 ? 'click' : 'impression', at: new Date(now - 3 * DAY + (b * 1_000 + i) * 1_000) }));
      await ingest.ingest(t, week);
    }
    const spike: EventInput[] = [];
    for (let i = 0; i < 300; i++) spike.push(ev({ userId: `s${i}`, itemId: 'v2', type: 'impression', at: new Date(now - 20 * MIN) }));
    for (let i = 0; i < 120; i++) spike.push(ev({ userId: `s${i}`, itemId: 'v2', type: 'click', at: new Date(now - 19 * MIN) }));
    await ingest.ingest(t, spike);
    const report = await features.aggregateItems(now + 1_000);
    expect(report.runs.find((x) => x.tenantId === t)?.spikes).toEqual(['v2']);
    expect((await store.itemFlag(t, 'v2'))?.reason).toMatch(/^ctr-spike: 1h CTR 0\.4000/);
    expect(await prisma.recsysEvent.count({ where: { tenantId: t, itemId: 'v2', type: 'click', flagged: true, flagReason: { startsWith: 'ctr-spike' } } })).toBe(120);
    expect(await store.itemFlag(t, 'v1')).toBeNull();
  }, 30_000);

  it('refuses a watch without seconds, seconds on a click, an unknown item — naming the event, storing nothing', async () => {
    const t = await tenant('refuse');
    await addItems(t, [['v1', 'ann', 'music']]);
    const bad = async (e: EventInput, field: string) => {
      const err = await ingest.ingest(t, [ev({ userId: 'u', itemId: 'v1', type: 'click' }), e]).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).field).toBe(field);
    };
    await bad({ eventId: 'w', userId: 'u', itemId: 'v1', type: 'watch', at: new Date() }, 'events.1.watch_seconds');
    await bad({ eventId: 'c', userId: 'u', itemId: 'v1', type: 'click', watchSeconds: 3, at: new Date() }, 'events.1.watch_seconds');
    await bad({ eventId: 'x', userId: 'u', itemId: 'nope', type: 'click', at: new Date() }, 'events.1.item_id');
    expect(await events.countEvents(t)).toBe(0);
  }, 30_000);

  it('impression partitions for today and the next two days; days past the retention dropped', async () => {
    const repo = new ImpressionRepository(prisma);
    const m = new MaintenanceService(repo, { impressionRetentionDays: 2 });
    const day = new Date('2030-05-06T12:00:00Z');
    const first = await m.ensurePartitions(day);
    expect(first.created).toBe(3);
    expect(first.dropped.every((p) => p < 'recsys_impressions_20300504')).toBe(true);
    expect(await m.ensurePartitions(day)).toEqual({ created: 0, dropped: [], adoptedFromDefault: 0 });
    // two days later: 05-06 … 05-08 stay (within 2 days of 05-08 … the partitions ahead), nothing older is left
    await repo.ensurePartitions(new Date('2030-05-01T00:00:00Z'), 3); // 05-01 … 05-03, older than the retention
    const later = await m.ensurePartitions(new Date('2030-05-08T12:00:00Z'));
    expect(later).toEqual({ created: 2, dropped: ['recsys_impressions_20300501', 'recsys_impressions_20300502', 'recsys_impressions_20300503'], adoptedFromDefault: 0 });
    const left = await repo.partitions();
    expect(left.filter((p) => p >= 'recsys_impressions_20300501')).toEqual(['recsys_impressions_20300506', 'recsys_impressions_20300507', 'recsys_impressions_20300508', 'recsys_impressions_20300509', 'recsys_impressions_20300510']);
  }, 30_000);
});
