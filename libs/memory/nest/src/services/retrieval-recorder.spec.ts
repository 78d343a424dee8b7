import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { MemoryRepository, SessionRepository, type NewFact } from '@frontier/memory-data-access';
import { RetrievalRecorder } from './retrieval-recorder';

describe('RetrievalRecorder: retrieval counts off the search path, on real Postgres', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let memories: MemoryRepository;
  let ids: string[];
  const scope = () => ({ tenantId, userId: 'rita' });
  let tenantId: string;

  beforeAll(async () => {
    db = await createTestDatabase('memory_retrievals');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    memories = new MemoryRepository(prisma);
    tenantId = (await prisma.tenant.create({ data: { name: 'retrievals' } })).id;
    const s = await new SessionRepository(prisma).create(scope(), { externalId: 's', agentId: null, sourceHash: 'h', startedAt: new Date(), turns: [] });
    const fact = (text: string, key: string): NewFact => ({ text, type: 'preference', confidence: 0.9, slot: null, sessionRowId: s?.id ?? '', sourceHash: 'h', turnIds: ['t0'], extractor: 'rules-v1', embeddingModel: 'm', vector: new Float32Array([1, 0]), candidateKey: key, validAt: new Date('2026-01-01T00:00:00Z') });
    ids = [];
    for (const [i, t] of ['I like tea', 'I like jazz', 'I like rain'].entries()) ids.push((await memories.createFact(scope(), fact(t, `k${i}`), null)).id);
  }, 60_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  const counts = async () => {
    const rows = await prisma.memory.findMany({ where: { id: { in: ids } }, select: { id: true, retrievalCount: true, lastRetrievedAt: true } });
    return ids.map((id) => rows.find((r) => r.id === id));
  };

  it('coalesces searches into one write per distinct count, with the latest time, on flush', async () => {
    const rec = new RetrievalRecorder(memories, 60_000);
    const t1 = new Date('2026-06-01T10:00:00Z');
    const t2 = new Date('2026-06-01T10:00:01Z');
    await rec.record([ids[0] as string, ids[1] as string], t1);
    await rec.record([ids[0] as string], t2);
    await rec.record([], t2);
    expect((await counts()).map((r) => r?.retrievalCount)).toEqual([0, 0, 0]); // nothing written yet
    await rec.flush();
    const after = await counts();
    expect(after.map((r) => r?.retrievalCount)).toEqual([2, 1, 0]);
    expect(after[0]?.lastRetrievedAt?.toISOString()).toBe(t2.toISOString());
    expect(after[1]?.lastRetrievedAt?.toISOString()).toBe(t2.toISOString());
    await rec.flush(); // nothing pending: no change
    expect((await counts()).map((r) => r?.retrievalCount)).toEqual([2, 1, 0]);
  });

  it('writes on its timer, and what is pending at shutdown (close)', async () => {
    const rec = new RetrievalRecorder(memories, 50);
    await rec.record([ids[2] as string], new Date('2026-06-02T00:00:00Z'));
    await new Promise((r) => setTimeout(r, 400));
    expect((await counts())[2]?.retrievalCount).toBe(1);
    await rec.record([ids[2] as string], new Date('2026-06-02T00:00:01Z'));
    await rec.close();
    expect((await counts())[2]?.retrievalCount).toBe(2);
  });

  it('flushMs 0 writes each call at once; a row erased meanwhile is simply not matched', async () => {
    const rec = new RetrievalRecorder(memories, 0);
    await rec.record([ids[1] as string], new Date('2026-06-03T00:00:00Z'));
    expect((await counts())[1]?.retrievalCount).toBe(2);
    const buffered = new RetrievalRecorder(memories, 60_000);
    await buffered.record([ids[1] as string], new Date('2026-06-03T00:00:01Z'));
    await prisma.memory.delete({ where: { id: ids[1] as string } }); // a hard delete (erasure) before the flush
    await buffered.flush();
    expect(await prisma.memory.count({ where: { id: ids[1] as string } })).toBe(0);
  });

  it('a failed write is logged and dropped (counts are advisory), later ones still go (sink that throws: stands in for an outage)', async () => {
    let calls = 0;
    const rec = new RetrievalRecorder({ recordRetrieval: async (i, at, by) => (++calls === 1 ? Promise.reject(new Error('database down')) : memories.recordRetrieval(i, at, by)) }, 60_000);
    await rec.record([ids[0] as string], new Date('2026-06-04T00:00:00Z'));
    await expect(rec.flush()).resolves.toBeUndefined();
    await rec.record([ids[0] as string], new Date('2026-06-04T00:00:01Z'));
    await rec.flush();
    expect((await counts())[0]?.retrievalCount).toBe(3);
  });
});
