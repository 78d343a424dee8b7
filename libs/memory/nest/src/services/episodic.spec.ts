import { createTestDatabase, PrismaService, type TestDatabase } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import { createMemoryContext, createMemoryServices, type MemoryServices } from '../context';
import type { MemoryContext } from '../ports';
import { HashingEmbedder } from './erasure.spec-helper';
import type { TurnInput } from './session.service';

const AT = new Date('2026-03-08T10:00:00Z');
const filler = (n: number): TurnInput[] => Array.from({ length: n }, (_, i) => ({ id: `f${i}`, role: 'assistant' as const, content: 'That sounds lovely, tell me more about how your week went and what you are planning next.' }));

describe('the episodic tier on real Postgres (hashing embedder: no model needed)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let ctx: MemoryContext;
  let svc: MemoryServices;
  let tenantId: string;
  const scope = (userId: string): MemoryScope => ({ tenantId, userId });

  beforeAll(async () => {
    db = await createTestDatabase('memory_episodic');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    ctx = createMemoryContext({ prisma, embedder: new HashingEmbedder(), clock: () => new Date('2026-04-01T00:00:00Z') });
    svc = createMemoryServices(ctx);
    tenantId = (await prisma.tenant.create({ data: { name: 'episodic' } })).id;
  }, 60_000);

  afterAll(async () => {
    await ctx.index.close();
    await prisma.onModuleDestroy();
    await db.drop();
  });

  const ingest = async (s: MemoryScope, sessionId: string, turns: TurnInput[]) => {
    const stored = await svc.sessions.store(s, { sessionId, startedAt: AT, turns });
    return svc.extraction.process(s, stored.id);
  };

  it('every significant user turn is kept as an episode (date, speaker, provenance); assistant turns and "ok" are not', async () => {
    const out = await ingest(scope('ann'), 'a1', [
      { id: 't1', role: 'user', speaker: 'Ann', content: 'I work as a nurse at the county hospital.', at: AT },
      { id: 't2', role: 'user', content: 'ok' },
      { id: 't3', role: 'user', content: 'We spent the weekend kayaking on Lake Tahoe with my cousins.', at: AT },
      ...filler(10),
    ]);
    expect(out.status).toBe('processed');
    const episodes = await prisma.memory.findMany({ where: { tenantId, userId: 'ann', type: 'episode' }, orderBy: { createdAt: 'asc' } });
    expect(episodes.map((e) => [e.turnIds, e.extractor])).toEqual([
      [['t1'], 'episodic-v1'],
      [['t3'], 'episodic-v1'],
    ]);
    const texts = (await svc.memories.list(scope('ann'), { type: 'episode' })).items.map((v) => v.memory.text).sort();
    expect(texts).toEqual(['[8 March 2026] Ann: I work as a nurse at the county hospital.', '[8 March 2026] We spent the weekend kayaking on Lake Tahoe with my cousins.']);
    // the facts tier is still there: the rule extractor's fact from t1
    const facts = (await svc.memories.list(scope('ann'))).items.filter((v) => v.memory.type !== 'episode');
    expect(facts.map((v) => v.memory.provenance.turnIds)).toContainEqual(['t1']);
    // the biography and "what do you know" summarise facts only
    const profile = await svc.memories.profile(scope('ann'));
    expect(profile.knowledge.map((k) => k.type)).not.toContain('episode');
    expect(profile.knowledge.flatMap((k) => k.facts.map((i) => i.text)).some((t) => t.startsWith('['))).toBe(false);
    // idempotent: processing again stores no second copy
    await svc.extraction.process(scope('ann'), (await prisma.memorySession.findFirstOrThrow({ where: { tenantId, userId: 'ann', externalId: 'a1' } })).id);
    expect(await prisma.memory.count({ where: { tenantId, userId: 'ann', type: 'episode' } })).toBe(2);
  });

  it('a fact and the episode of its own turn are collapsed into one result', async () => {
    const r = await svc.memories.search(scope('ann'), { query: 'where does Ann work as a nurse', limit: 10, record: false });
    const fromT1 = r.memories.filter((m) => m.memory.provenance.turnIds.includes('t1'));
    expect(fromT1).toHaveLength(1);
    // both tiers were candidates: each alone is found when the other type is filtered out
    const onlyEpisodes = await svc.memories.search(scope('ann'), { query: 'where does Ann work as a nurse', limit: 10, record: false, types: ['episode'] });
    const onlyFacts = await svc.memories.search(scope('ann'), { query: 'where does Ann work as a nurse', limit: 10, record: false, types: ['work'] });
    expect(onlyEpisodes.memories.some((m) => m.memory.provenance.turnIds.includes('t1'))).toBe(true);
    expect(onlyFacts.memories.some((m) => m.memory.provenance.turnIds.includes('t1'))).toBe(true);
    // the budget: whole results while their words fit
    const tight = await svc.memories.search(scope('ann'), { query: 'kayaking nurse', limit: 10, record: false, budgetWords: 20 });
    expect(tight.memories.length).toBeGreaterThanOrEqual(1);
    expect(tight.memories.reduce((n, m) => n + m.memory.text.split(/\s+/).length, 0)).toBeLessThanOrEqual(20);
  });

  it('an erased session takes its episodes with it: gone from search at once, and from Postgres after the hard delete', async () => {
    await ingest(scope('bo'), 'b1', [{ id: 'k1', role: 'user', content: 'My sister Zelda collects antique typewriters from Prague.', at: AT }, ...filler(10)]);
    await ingest(scope('bo'), 'b2', [{ id: 'k1', role: 'user', content: 'I am learning the cello on weekends.', at: AT }, ...filler(10)]);
    const before = await svc.memories.search(scope('bo'), { query: 'antique typewriters Prague', limit: 10, record: false });
    expect(before.memories.some((m) => m.memory.type === 'episode' && m.memory.text.includes('typewriters'))).toBe(true);
    const ticket = await svc.erasure.eraseSession(scope('bo'), 'b1');
    const after = await svc.memories.search(scope('bo'), { query: 'antique typewriters Prague', limit: 10, record: false });
    expect(after.memories.some((m) => m.memory.text.includes('typewriters'))).toBe(false);
    // the other session's episode (same client turn id, another session) stays
    expect((await svc.memories.search(scope('bo'), { query: 'cello weekends', limit: 10, record: false })).memories.some((m) => m.memory.type === 'episode')).toBe(true);
    await svc.erasure.process(ticket.id);
    expect(await prisma.memory.count({ where: { tenantId, userId: 'bo', turnIds: { has: 'k1' }, session: { externalId: 'b1' } } })).toBe(0);
    expect(await prisma.memory.count({ where: { tenantId, userId: 'bo', type: 'episode' } })).toBe(1);
  });

  it('erasing a fact erases the episode of the turn that stated it (its words would survive there)', async () => {
    await ingest(scope('cy'), 'c1', [{ id: 'w1', role: 'user', content: 'I work at Initech as a tester.', at: AT }, { id: 'w2', role: 'user', content: 'We adopted a beagle puppy last week.', at: AT }, ...filler(10)]);
    const fact = (await svc.memories.list(scope('cy'))).items.find((v) => v.memory.provenance.turnIds.includes('w1'));
    expect(fact?.memory.type).toBe('work');
    const ticket = await svc.erasure.eraseMemory(scope('cy'), fact?.memory.id as string);
    expect(ticket.memories).toBe(2);
    const found = await svc.memories.search(scope('cy'), { query: 'Initech tester', limit: 10, record: false });
    expect(found.memories.some((m) => m.memory.text.includes('Initech'))).toBe(false);
    await svc.erasure.process(ticket.id);
    expect(await prisma.memory.count({ where: { tenantId, userId: 'cy', turnIds: { has: 'w1' } } })).toBe(0);
    expect(await prisma.memory.count({ where: { tenantId, userId: 'cy', type: 'episode' } })).toBe(1); // the beagle turn stays
  });

  it('episodes are exported with the facts', async () => {
    let json = '';
    for await (const chunk of svc.exports.stream(scope('ann'), 'json')) json += chunk;
    const memories = (JSON.parse(json) as { memories: Array<{ type?: string; text?: string; memory?: string }> }).memories;
    expect(JSON.stringify(memories)).toContain('[8 March 2026] We spent the weekend kayaking on Lake Tahoe');
  });
});
