import type { MemoryScope } from '@frontier/memory-contracts';
import type { TurnInput } from './session.service';
import { filler, memoryTestBed } from './testbed.spec-helper';

const AT = new Date('2026-03-08T10:00:00Z');

describe('the episodic tier on real Postgres (hashing embedder: no model needed)', () => {
  const bed = memoryTestBed('episodic', { clock: () => new Date('2026-04-01T00:00:00Z') });
  const scope = (userId: string): MemoryScope => bed.scope(userId);

  const ingest = async (s: MemoryScope, sessionId: string, turns: TurnInput[]) => {
    const stored = await bed.svc.sessions.store(s, { sessionId, startedAt: AT, turns });
    return bed.svc.extraction.process(s, stored.id);
  };

  it('every significant user turn is kept as an episode (date, speaker, provenance); assistant turns and "ok" are not', async () => {
    const out = await ingest(scope('ann'), 'a1', [
      { id: 't1', role: 'user', speaker: 'Ann', content: 'I work as a nurse at the county hospital.', at: AT },
      { id: 't2', role: 'user', content: 'ok' },
      { id: 't3', role: 'user', content: 'We spent the weekend kayaking on Lake Tahoe with my cousins.', at: AT },
      ...filler(10),
    ]);
    expect(out.status).toBe('processed');
    const episodes = await bed.prisma.memory.findMany({ where: { tenantId: bed.tenantId, userId: 'ann', type: 'episode' }, orderBy: { createdAt: 'asc' } });
    expect(episodes.map((e) => [e.turnIds, e.extractor])).toEqual([
      [['t1'], 'episodic-v1'],
      [['t3'], 'episodic-v1'],
    ]);
    const texts = (await bed.svc.memories.list(scope('ann'), { type: 'episode' })).items.map((v) => v.memory.text).sort();
    expect(texts).toEqual(['[8 March 2026] Ann: I work as a nurse at the county hospital.', '[8 March 2026] We spent the weekend kayaking on Lake Tahoe with my cousins.']);
    // the facts tier is still there: the rule extractor's fact from t1
    const facts = (await bed.svc.memories.list(scope('ann'))).items.filter((v) => v.memory.type !== 'episode');
    expect(facts.map((v) => v.memory.provenance.turnIds)).toContainEqual(['t1']);
    // the biography and "what do you know" summarise facts only
    const profile = await bed.svc.memories.profile(scope('ann'));
    expect(profile.knowledge.map((k) => k.type)).not.toContain('episode');
    expect(profile.knowledge.flatMap((k) => k.facts.map((i) => i.text)).some((t) => t.startsWith('['))).toBe(false);
    // idempotent: processing again stores no second copy
    await bed.svc.extraction.process(scope('ann'), (await bed.prisma.memorySession.findFirstOrThrow({ where: { tenantId: bed.tenantId, userId: 'ann', externalId: 'a1' } })).id);
    expect(await bed.prisma.memory.count({ where: { tenantId: bed.tenantId, userId: 'ann', type: 'episode' } })).toBe(2);
  });

  it('a fact and the episode of its own turn are collapsed into one result', async () => {
    const r = await bed.svc.memories.search(scope('ann'), { query: 'where does Ann work as a nurse', limit: 10, record: false });
    const fromT1 = r.memories.filter((m) => m.memory.provenance.turnIds.includes('t1'));
    expect(fromT1).toHaveLength(1);
    // both tiers were candidates: each alone is found when the other type is filtered out
    const onlyEpisodes = await bed.svc.memories.search(scope('ann'), { query: 'where does Ann work as a nurse', limit: 10, record: false, types: ['episode'] });
    const onlyFacts = await bed.svc.memories.search(scope('ann'), { query: 'where does Ann work as a nurse', limit: 10, record: false, types: ['work'] });
    expect(onlyEpisodes.memories.some((m) => m.memory.provenance.turnIds.includes('t1'))).toBe(true);
    expect(onlyFacts.memories.some((m) => m.memory.provenance.turnIds.includes('t1'))).toBe(true);
    // the budget: whole results while their words fit
    const tight = await bed.svc.memories.search(scope('ann'), { query: 'kayaking nurse', limit: 10, record: false, budgetWords: 20 });
    expect(tight.memories.length).toBeGreaterThanOrEqual(1);
    expect(tight.memories.reduce((n, m) => n + m.memory.text.split(/\s+/).length, 0)).toBeLessThanOrEqual(20);
  });

  it('an erased session takes its episodes with it: gone from search at once, and from Postgres after the hard delete', async () => {
    await ingest(scope('bo'), 'b1', [{ id: 'k1', role: 'user', content: 'My sister Zelda collects antique typewriters from Prague.', at: AT }, ...filler(10)]);
    await ingest(scope('bo'), 'b2', [{ id: 'k1', role: 'user', content: 'I am learning the cello on weekends.', at: AT }, ...filler(10)]);
    const before = await bed.svc.memories.search(scope('bo'), { query: 'antique typewriters Prague', limit: 10, record: false });
    expect(before.memories.some((m) => m.memory.type === 'episode' && m.memory.text.includes('typewriters'))).toBe(true);
    const ticket = await bed.svc.erasure.eraseSession(scope('bo'), 'b1');
    const after = await bed.svc.memories.search(scope('bo'), { query: 'antique typewriters Prague', limit: 10, record: false });
    expect(after.memories.some((m) => m.memory.text.includes('typewriters'))).toBe(false);
    // the other session's episode (same client turn id, another session) stays (episodes only: its own fact would take its slot)
    expect((await bed.svc.memories.search(scope('bo'), { query: 'cello weekends', limit: 10, record: false, types: ['episode'] })).memories.some((m) => m.memory.type === 'episode')).toBe(true);
    await bed.svc.erasure.process(ticket.id);
    expect(await bed.prisma.memory.count({ where: { tenantId: bed.tenantId, userId: 'bo', turnIds: { has: 'k1' }, session: { externalId: 'b1' } } })).toBe(0);
    expect(await bed.prisma.memory.count({ where: { tenantId: bed.tenantId, userId: 'bo', type: 'episode' } })).toBe(1);
  });

  it('erasing a fact erases the episode of the turn that stated it (its words would survive there)', async () => {
    await ingest(scope('cy'), 'c1', [{ id: 'w1', role: 'user', content: 'I work at Initech as a tester.', at: AT }, { id: 'w2', role: 'user', content: 'We adopted a beagle puppy last week.', at: AT }, ...filler(10)]);
    const fact = (await bed.svc.memories.list(scope('cy'))).items.find((v) => v.memory.provenance.turnIds.includes('w1'));
    expect(fact?.memory.type).toBe('work');
    const ticket = await bed.svc.erasure.eraseMemory(scope('cy'), fact?.memory.id as string);
    expect(ticket.memories).toBe(2);
    const found = await bed.svc.memories.search(scope('cy'), { query: 'Initech tester', limit: 10, record: false });
    expect(found.memories.some((m) => m.memory.text.includes('Initech'))).toBe(false);
    await bed.svc.erasure.process(ticket.id);
    expect(await bed.prisma.memory.count({ where: { tenantId: bed.tenantId, userId: 'cy', turnIds: { has: 'w1' } } })).toBe(0);
    expect(await bed.prisma.memory.count({ where: { tenantId: bed.tenantId, userId: 'cy', type: 'episode' } })).toBe(1); // the beagle turn stays
  });

  it('episodes are exported with the facts', async () => {
    let json = '';
    for await (const chunk of bed.svc.exports.stream(scope('ann'), 'json')) json += chunk;
    const memories = (JSON.parse(json) as { memories: Array<{ type?: string; text?: string; memory?: string }> }).memories;
    expect(JSON.stringify(memories)).toContain('[8 March 2026] We spent the weekend kayaking on Lake Tahoe');
  });
});
