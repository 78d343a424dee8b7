import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { MemoryRepository, type NewFact } from './memory.repository';
import { SessionRepository } from './session.repository';

describe('MemoryRepository.liveMemoriesByIds (search: the live rows without their vectors)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let memories: MemoryRepository;
  let tenantId: string;
  let sessionRowId: string;
  const bo = () => ({ tenantId, userId: 'bo' });
  const fact = (text: string, key: string, o: Partial<NewFact> = {}): NewFact => ({
    text, type: 'preference', confidence: 0.9, slot: null, sessionRowId, sourceHash: 'h', turnIds: ['t0'], extractor: 'rules-v1',
    embeddingModel: 'm', vector: new Float32Array([1, 0]), candidateKey: key, validAt: new Date('2026-01-01T00:00:00Z'), ...o,
  });

  beforeAll(async () => {
    db = await createTestDatabase('memory_live_texts');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    memories = new MemoryRepository(prisma);
    tenantId = (await prisma.tenant.create({ data: { name: 'live' } })).id;
    sessionRowId = (await new SessionRepository(prisma).create(bo(), { externalId: 's', agentId: null, sourceHash: 'h', startedAt: new Date(), turns: [] }))?.id ?? '';
  }, 60_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('answers the same memories as liveByIds (deleted, other users and filtered types out), texts decrypted', async () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const a = await memories.createFact(bo(), fact('I like green tea', 'a'), null);
    const b = await memories.createFact(bo(), fact('I work nights', 'b', { type: 'work' }), null);
    const c = await memories.createFact(bo(), fact('I hate olives', 'c'), null);
    const other = await memories.createFact({ tenantId, userId: 'cy' }, fact('I like coffee', 'd'), null);
    await memories.softDelete(bo(), [c.id], now, 'by request', 'user');
    const ids = [a.id, b.id, c.id, other.id];
    const full = await memories.liveByIds(bo(), now, ids);
    const lean = await memories.liveMemoriesByIds(bo(), now, ids);
    expect(lean.map((m) => m.text).sort()).toEqual(['I like green tea', 'I work nights']);
    expect(lean.sort((x, y) => x.id.localeCompare(y.id))).toEqual(full.map((r) => r.memory).sort((x, y) => x.id.localeCompare(y.id)));
    expect((await memories.liveMemoriesByIds(bo(), now, ids, { types: ['work'] })).map((m) => m.text)).toEqual(['I work nights']);
    expect(await memories.liveMemoriesByIds(bo(), now, [])).toEqual([]);
  });
});
