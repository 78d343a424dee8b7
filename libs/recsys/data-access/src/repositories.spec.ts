import { randomUUID } from 'node:crypto';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { EventRepository, type EventInsert } from './event.repository';
import { ImpressionRepository } from './impression.repository';
import { ItemRepository } from './item.repository';
import { ModelVersionsRepository } from './model-versions.repository';

// Round-trips every model of recsys.prisma on a real Postgres (platform-prisma's "every model" spec
// leaves scope files to their data-access specs).
describe('recsys repositories on a real Postgres', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let items: ItemRepository;
  let events: EventRepository;
  let tenantId: string;
  let otherTenant: string;

  beforeAll(async () => {
    db = await createTestDatabase('recsys_repos');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    items = new ItemRepository(prisma);
    events = new EventRepository(prisma);
    tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
    otherTenant = (await prisma.tenant.create({ data: { name: 'globex' } })).id;
  }, 60_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  const ev = (eventId: string, o: Partial<EventInsert> = {}): EventInsert => ({
    eventId,
    userId: 'alice',
    itemId: 'v1',
    category: 'music',
    type: 'click',
    watchSeconds: null,
    surface: 'home',
    requestId: null,
    position: null,
    propensity: null,
    at: new Date('2026-12-01T10:00:00.123Z'),
    flagged: false,
    flagReason: null,
    ...o,
  });

  it('items: batch upsert (embedding bytes kept exactly), replace keeps created_at, soft delete, undelete by upsert, per tenant', async () => {
    const emb = new Float32Array([0.5, -0.25, 1e-7]);
    const first = await items.upsert(tenantId, [
      { id: 'v1', creator: 'ann', category: 'music', text: 'A song', metadata: { lang: 'en' }, embedding: emb, embeddingModel: 'client' },
      { id: 'v2', creator: 'bob', category: 'news', text: '', metadata: {}, embedding: null, embeddingModel: null },
    ]);
    expect(first.map((r) => [r.id, r.created])).toEqual([
      ['v1', true],
      ['v2', true],
    ]);
    const v1 = await items.get(tenantId, 'v1');
    expect(v1).toMatchObject({ creator: 'ann', category: 'music', text: 'A song', metadata: { lang: 'en' }, embeddingModel: 'client', deletedAt: null });
    expect(Array.from(v1?.embedding ?? [])).toEqual(Array.from(emb));
    expect(await items.get(otherTenant, 'v1')).toBeNull();

    const again = await items.upsert(tenantId, [{ id: 'v1', creator: 'ann', category: 'jazz', text: 'A song', metadata: {}, embedding: null, embeddingModel: null }]);
    expect(again[0]).toEqual({ id: 'v1', created: false, createdAt: first[0]?.createdAt });
    expect((await items.get(tenantId, 'v1'))?.embedding).toBeNull();

    expect(await items.softDelete(tenantId, 'v2')).toBe(true);
    expect(await items.softDelete(tenantId, 'v2')).toBe(false);
    expect(await items.softDelete(otherTenant, 'v1')).toBe(false);
    expect((await items.get(tenantId, 'v2'))?.deletedAt).toBeInstanceOf(Date);
    expect((await items.changedSince(tenantId)).map((i) => i.id)).toEqual(['v1']);
    expect((await items.changedSince(tenantId, { includeDeleted: true })).map((i) => i.id).sort()).toEqual(['v1', 'v2']);
    expect(await items.categories(tenantId, ['v1', 'v2', 'nope'])).toEqual(
      new Map([
        ['v1', 'jazz'],
        ['v2', 'news'],
      ]),
    );
    await items.upsert(tenantId, [{ id: 'v2', creator: 'bob', category: 'news', text: '', metadata: {}, embedding: null, embeddingModel: null }]);
    expect((await items.get(tenantId, 'v2'))?.deletedAt).toBeNull();
    expect((await items.metas(tenantId)).map((m) => m.id)).toEqual(['v1', 'v2']);
    // the database keeps embedding and its dimension together
    await expect(prisma.$executeRawUnsafe(`UPDATE recsys_items SET embedding_dim = 2 WHERE id = 'v2'`)).rejects.toThrow(/embedding_dim_check/);
  }, 30_000);

  it('events: a batch is stored with its users in one transaction; a repeated id is skipped (first write wins), nothing new → no batch', async () => {
    const r1 = await events.insertBatch(tenantId, [ev('e1'), ev('e2', { type: 'watch', watchSeconds: 12.5, userId: 'bob' }), ev('e3', { type: 'impression', requestId: randomUUID(), position: 2, propensity: 0.25 })]);
    expect(r1).toMatchObject({ stored: 3, duplicates: 0, batchId: expect.any(String) });
    const r2 = await events.insertBatch(tenantId, [ev('e1', { type: 'skip' }), ev('e4', { flagged: true, flagReason: 'bot' })]);
    expect(r2).toMatchObject({ stored: 1, duplicates: 1 });
    expect(await events.insertBatch(tenantId, [ev('e1'), ev('e4')])).toEqual({ batchId: null, stored: 0, duplicates: 2 });
    // another tenant's event ids are its own
    expect((await events.insertBatch(otherTenant, [ev('e1')])).stored).toBe(1);

    const stored = await prisma.recsysEvent.findUniqueOrThrow({ where: { tenantId_eventId: { tenantId, eventId: 'e1' } } });
    expect(stored).toMatchObject({ type: 'click', userId: 'alice', batchId: r1.batchId, flagged: false });
    expect((await events.eventsOfBatch(r1.batchId as string)).map((e) => [e.eventId, e.type, e.watchSeconds]).sort()).toEqual([
      ['e1', 'click', null],
      ['e2', 'watch', 12.5],
      ['e3', 'impression', null],
    ]);
    expect((await events.eventsOfBatch(r2.batchId as string))[0]).toMatchObject({ eventId: 'e4', flagged: true });
    expect(await events.userExists(tenantId, 'bob')).toBe(true);
    expect(await events.userExists(tenantId, 'carol')).toBe(false);
    expect(await prisma.recsysUser.count({ where: { tenantId } })).toBe(2);
    expect(await events.batch(r1.batchId as string)).toMatchObject({ tenantId, events: 3, featuredAt: null, itemRun: null });
    // the database refuses what validation should have: an unknown type, a negative watch time
    await expect(events.insertBatch(tenantId, [ev('bad', { type: 'like' as never })])).rejects.toThrow(/recsys_events_type_check/);
    await expect(events.insertBatch(tenantId, [ev('bad2', { type: 'watch', watchSeconds: -1 })])).rejects.toThrow(/watch_seconds_check/);
    expect(await events.countEvents(tenantId)).toBe(4);
  }, 30_000);

  it('batches: featured once, unfeatured ones found for the reconciler, item runs claimed → aggregated → applied', async () => {
    const t = (await prisma.tenant.create({ data: { name: 'runs' } })).id;
    await items.upsert(t, [{ id: 'v1', creator: 'ann', category: 'music', text: 'x', metadata: {}, embedding: null, embeddingModel: null }]);
    const at = new Date('2026-12-01T10:04:00Z');
    const b1 = (await events.insertBatch(t, [ev('a'), ev('b', { type: 'impression' }), ev('c', { type: 'watch', watchSeconds: 1.25 }), ev('d', { type: 'watch', watchSeconds: 2 }), ev('f', { flagged: true, flagReason: 'bot' })].map((e) => ({ ...e, at }))))
      .batchId as string;
    expect((await events.unfeatured(new Date(Date.now() + 1_000))).map((b) => b.id)).toContain(b1);
    await events.markFeatured(b1);
    const featured = (await events.batch(b1))?.featuredAt;
    await events.markFeatured(b1, new Date(0));
    expect((await events.batch(b1))?.featuredAt).toEqual(featured);
    expect((await events.unfeatured(new Date(Date.now() + 1_000))).map((b) => b.id)).not.toContain(b1);
    expect(await events.batchesSince(t, new Date(Date.now() - 60_000))).toEqual([b1]);

    expect(await events.tenantsWithUnclaimedBatches()).toContain(t);
    const run = randomUUID();
    expect(await events.claimItemRun(t, run, new Date(Date.now() + 1_000))).toBe(1);
    expect(await events.claimItemRun(t, randomUUID(), new Date(Date.now() + 1_000))).toBe(0);
    expect(await events.pendingItemRuns()).toContainEqual({ runId: run, tenantId: t });
    const grain = Math.floor(at.getTime() / 1000 / 600);
    const rows = (await events.itemRunAggregates(t, run, 600)).sort((a, b) => a.type.localeCompare(b.type));
    // the flagged click is left out; 1.25 s → 13 ds (half up), 2 s → 20 ds
    expect(rows).toEqual([
      { itemId: 'v1', creator: 'ann', type: 'click', grain, n: 1, wds: 0, wds2: 0 },
      { itemId: 'v1', creator: 'ann', type: 'impression', grain, n: 1, wds: 0, wds2: 0 },
      { itemId: 'v1', creator: 'ann', type: 'watch', grain, n: 2, wds: 33, wds2: 13 * 13 + 20 * 20 },
    ]);
    await events.markItemRunApplied(run);
    expect(await events.pendingItemRuns()).not.toContainEqual({ runId: run, tenantId: t });
    expect(await events.appliedItemRuns(t)).toEqual([run]);

    // training reads: unflagged events by user in a time range, by item; flagging after the fact
    expect((await events.userEvents(t, 'alice', Date.now(), 7 * 86_400_000)).map((e) => e.eventId).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect((await events.userEvents(t, 'alice', at.getTime() - 1, 7 * 86_400_000)).length).toBe(0);
    expect(await events.flagItemEvents(t, 'v1', 'click', new Date(at.getTime() - 1), 'ctr-spike')).toBe(1);
    expect((await events.itemEvents(t, ['v1'], Date.now())).map((e) => e.eventId).sort()).toEqual(['b', 'c', 'd']);
  }, 30_000);

  it('impressions: day partitions created on demand (rows the default caught move in), rows logged and read per request', async () => {
    const repo = new ImpressionRepository(prisma);
    const shownAt = new Date('2027-03-04T23:59:59.999Z');
    const requestId = randomUUID();
    const row = (position: number) => ({ requestId, position, tenantId, userId: 'alice', itemId: `v${position}`, surface: 'home', modelVersion: 'v1', policy: 'epsilon-greedy', propensity: 0.95, score: 1.5 - position, explored: false, shownAt });
    // no partition for that day yet: the default partition keeps the rows
    expect(await repo.insertMany([row(0), row(1)])).toBe(2);
    expect(await repo.ensurePartitions(new Date('2027-03-03T12:00:00Z'), 3)).toBe(3);
    expect(await repo.ensurePartitions(new Date('2027-03-03T12:00:00Z'), 3)).toBe(0);
    expect(await repo.partitions()).toEqual(expect.arrayContaining(['recsys_impressions_20270303', 'recsys_impressions_20270304', 'recsys_impressions_20270305']));
    const where = await prisma.$queryRawUnsafe<Array<{ part: string }>>(`SELECT tableoid::regclass::text AS part FROM recsys_impressions WHERE request_id = $1::uuid`, requestId);
    expect(where.map((r) => r.part)).toEqual(['recsys_impressions_20270304', 'recsys_impressions_20270304']);
    expect((await repo.forRequest(tenantId, requestId)).map((r) => [r.position, r.itemId, r.propensity])).toEqual([
      [0, 'v0', 0.95],
      [1, 'v1', 0.95],
    ]);
    expect(await repo.forRequest(otherTenant, requestId)).toEqual([]);
    await expect(repo.insertMany([{ ...row(2), propensity: 0 }])).rejects.toThrow(/propensity_check/);
  }, 30_000);

  it('model versions: one live at a time per tenant and kind (the registry itself is ModelVersionsRepository, specced with training); everything goes with its tenant', async () => {
    const m1 = await prisma.recsysModelVersion.create({ data: { tenantId, kind: 'two-tower-mlp', version: 1, weights: new Uint8Array([1, 2, 3]), state: 'retired' } });
    const m2 = await prisma.recsysModelVersion.create({ data: { tenantId, kind: 'two-tower-mlp', version: 2, weights: new Uint8Array([4]), state: 'live' } });
    expect((await new ModelVersionsRepository(prisma).live(tenantId, 'two-tower-mlp'))?.id).toBe(m2.id);
    await expect(prisma.recsysModelVersion.update({ where: { id: m1.id }, data: { state: 'live' } })).rejects.toThrow();

    await prisma.tenant.delete({ where: { id: tenantId } });
    const left = await Promise.all([
      prisma.recsysItem.count({ where: { tenantId } }),
      prisma.recsysUser.count({ where: { tenantId } }),
      prisma.recsysEvent.count({ where: { tenantId } }),
      prisma.recsysEventBatch.count({ where: { tenantId } }),
      prisma.recsysImpression.count({ where: { tenantId } }),
      prisma.recsysModelVersion.count({ where: { tenantId } }),
    ]);
    expect(left).toEqual([0, 0, 0, 0, 0, 0]);
  }, 30_000);
});
