import { randomUUID } from 'node:crypto';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { EventRepository, type EventInsert } from './event.repository';
import { ImpressionRepository, type ImpressionRecord } from './impression.repository';
import { ItemRepository, type ItemUpsert } from './item.repository';
import { RankingCatalogRepository } from './ranking-catalog.repository';

describe("ranking's reads and the impression batch insert on a real Postgres", () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let repo: RankingCatalogRepository;
  let items: ItemRepository;
  let tenantId: string;
  let emptyTenant: string;

  const item = (id: string, o: Partial<ItemUpsert> = {}): ItemUpsert => ({ id, creator: 'cr', category: 'news', text: 'long text the catalogue never reads', metadata: { a: 1 }, embedding: Float32Array.of(1, 2, 3), embeddingModel: 'client', ...o });

  beforeAll(async () => {
    db = await createTestDatabase('recsys_ranking_repo');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    repo = new RankingCatalogRepository(prisma);
    items = new ItemRepository(prisma);
    tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
    emptyTenant = (await prisma.tenant.create({ data: { name: 'none' } })).id;
  }, 60_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('pages a build by (updated_at, id), sees every change after a cursor (deleted ones too) and the dominant dimension', async () => {
    await items.upsert(tenantId, [item('a'), item('b'), item('c'), item('d', { embedding: Float32Array.of(1, 2) }), item('e', { embedding: null, embeddingModel: null })]);
    expect(await repo.tenantsWithItems()).toEqual([tenantId]);
    expect(await repo.dominantDimension(tenantId)).toBe(3);
    expect(await repo.dominantDimension(emptyTenant)).toBeNull();
    const pages: string[][] = [];
    for (let cursor = null as null | { updatedAt: Date; id: string }; ; ) {
      const rows = await repo.buildPage(tenantId, cursor, 2);
      pages.push(rows.map((r) => r.id));
      if (rows.length < 2) break;
      const last = rows[rows.length - 1] as (typeof rows)[number];
      cursor = { updatedAt: last.updatedAt, id: last.id };
    }
    expect(pages.flat()).toEqual(['a', 'b', 'c', 'd']); // one statement: one updated_at; ids in order; no item without an embedding
    const [a] = await repo.buildPage(tenantId, null, 1);
    expect(a).toMatchObject({ id: 'a', creator: 'cr', category: 'news', deletedAt: null });
    expect(Array.from(a?.embedding ?? [])).toEqual([1, 2, 3]);

    const after = { updatedAt: a?.updatedAt as Date, id: 'e' };
    expect(await repo.changedSince(tenantId, after, 10)).toEqual([]);
    await new Promise((r) => setTimeout(r, 5));
    await items.softDelete(tenantId, 'b');
    await items.upsert(tenantId, [item('f', { category: 'sport' })]);
    const changed = await repo.changedSince(tenantId, after, 10);
    expect(changed.map((r) => [r.id, r.deletedAt !== null])).toEqual([
      ['b', true],
      ['f', false],
    ]);
    expect((await repo.buildPage(tenantId, null, 10)).map((r) => r.id)).toEqual(['a', 'c', 'd', 'f']);
  });

  it('ranks popularity by engagements of the window, flagged events left out', async () => {
    const events = new EventRepository(prisma);
    const at = new Date();
    const ev = (eventId: string, itemId: string, type: EventInsert['type'], flagged = false): EventInsert => ({
      eventId,
      userId: 'u',
      itemId,
      category: 'news',
      type,
      watchSeconds: type === 'watch' ? 3 : null,
      surface: 'home',
      requestId: null,
      position: null,
      propensity: null,
      at,
      flagged,
      flagReason: flagged ? 'bot' : null,
    });
    await events.insertBatch(tenantId, [
      ev('1', 'a', 'click'),
      ev('2', 'a', 'impression'),
      ev('3', 'a', 'impression'),
      ev('4', 'c', 'watch'),
      ev('5', 'c', 'purchase'),
      ev('6', 'd', 'click', true),
      ev('7', 'd', 'click', true),
      ev('8', 'd', 'click', true),
      ev('9', 'f', 'impression'),
    ]);
    expect(await repo.popular(tenantId, new Date(at.getTime() - 1000), 10)).toEqual([
      { id: 'c', engagements: 2, impressions: 0 },
      { id: 'a', engagements: 1, impressions: 2 },
    ]);
    expect(await repo.popular(tenantId, new Date(at.getTime() + 1000), 10)).toEqual([]);
  });

  it('inserts a batch of impressions in one statement, durable or not', async () => {
    const impressions = new ImpressionRepository(prisma);
    await impressions.ensurePartitions(new Date(), 2);
    const batch = (n: number): ImpressionRecord[] => {
      const requestId = randomUUID();
      return Array.from({ length: n }, (_, j) => ({ requestId, position: j, tenantId, userId: 'u', itemId: `i${j}`, surface: 'home', modelVersion: 'm', policy: 'epsilon-greedy', propensity: 0.5 + j / 100, score: j, explored: j === 1, shownAt: new Date() }));
    };
    const durable = batch(3);
    expect(await impressions.insertBatch(durable)).toBe(3);
    const fast = batch(2);
    expect(await impressions.insertBatch(fast, { durable: false })).toBe(2);
    const back = await impressions.forRequest(tenantId, durable[0]?.requestId as string);
    expect(back.map((r) => [r.position, r.itemId, r.propensity, r.explored])).toEqual([
      [0, 'i0', 0.5, false],
      [1, 'i1', 0.51, true],
      [2, 'i2', 0.52, false],
    ]);
    expect(await impressions.forRequest(tenantId, fast[0]?.requestId as string)).toHaveLength(2);
    await expect(impressions.insertBatch([{ ...(batch(1)[0] as ImpressionRecord), propensity: 0 }])).rejects.toThrow();
  });
});
