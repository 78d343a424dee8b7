import type { MemoryScope } from '@frontier/memory-contracts';
import { ruleBasedExtractor, type Candidate, type Extractor, type Turn } from '@frontier/memory-domain';
import { NotFoundError } from '@frontier/memory-data-access';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, type TestDatabase } from '@frontier/platform-testing';
import { createMemoryContext, createMemoryServices, type MemoryServices } from '../context';
import type { MemoryContext, MemoryOptions } from '../ports';
import { HashingEmbedder } from './erasure.spec-helper';
import type { ErasureReport } from './erasure.service';

/**
 * Stands in for the hosted LLM extractor (not reachable here): like an LLM it learns "works at X"
 * from any turn that says it — the user's, or the assistant's echo.
 */
const echoingLlm: Extractor = {
  id: 'llm-stand-in',
  async extract(turns: readonly Turn[]): Promise<Candidate[]> {
    return turns.flatMap((t) => {
      const m = /work at (\w+)/i.exec(t.text);
      return m ? [{ text: `Works at ${m[1]}`, type: 'biography' as const, confidence: 0.9, turnIds: [t.id] }] : [];
    });
  },
};

describe('erasure: records, reports, tombstones, eviction (real Postgres)', () => {
  jest.setTimeout(60_000); // a shared, loaded machine: the first test warms every path up (7 s at load 15)
  let db: TestDatabase;
  let prisma: PrismaService;
  let tenantId: string;
  const embedder = new HashingEmbedder();
  const contexts: MemoryContext[] = [];
  const services = (options: MemoryOptions = {}, extractor: Extractor = echoingLlm): MemoryServices => {
    const ctx = createMemoryContext({ prisma, embedder, extractor, options: { minSessionTokens: 0, ...options } });
    contexts.push(ctx);
    return createMemoryServices(ctx);
  };
  const scope = (userId: string): MemoryScope => ({ tenantId, userId });
  const ingest = async (svc: MemoryServices, user: string, sessionId: string, turns: Array<{ role: 'user' | 'assistant'; content: string }>, startedAt?: Date) => {
    const s = await svc.sessions.store(scope(user), { sessionId, turns, ...(startedAt ? { startedAt } : {}) });
    return svc.extraction.process(scope(user), s.id);
  };

  beforeAll(async () => {
    db = await createTestDatabase('memory_erasure');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    tenantId = (await prisma.tenant.create({ data: { name: 'erasure' } })).id;
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.index.close();
    await prisma?.onModuleDestroy();
    await db?.drop();
  });

  it('a memory erasure is invisible at once, completes with a report, keeps no id in its record, and is scoped to its user', async () => {
    const svc = services();
    const out = await ingest(svc, 'ann', 's1', [{ role: 'user', content: 'I work at Initech' }]);
    const id = out.results[0]?.memoryId as string;
    const ticket = await svc.erasure.eraseMemory(scope('ann'), id);
    expect(ticket).toMatchObject({ kind: 'memory', status: 'pending', memories: 2 }); // the fact and the episode of its turn (issue 14)
    await expect(svc.memories.get(scope('ann'), id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await svc.memories.list(scope('ann'))).total).toBe(0);
    // the transcript turn it came from is redacted at once too (exports serve transcripts)
    expect((await prisma.memoryTurn.findMany({ where: { session: { externalId: 's1', tenantId } } })).map((t) => t.text)).toEqual(['[erased]']);
    expect((await svc.erasure.get(scope('ann'), ticket.id)).status).toBe('pending');
    await expect(svc.erasure.get(scope('bob'), ticket.id)).rejects.toBeInstanceOf(NotFoundError);

    const report: ErasureReport = await svc.erasure.process(ticket.id);
    expect(report).toMatchObject({ kind: 'memory', residue: 'none', attempts: 1 });
    // the fact and its turn's episode, each with its ADD and DELETE events and a tombstone (issue 14)
    expect(report.steps.find((s) => s.store === 'postgres')?.removed).toMatchObject({ memories: 2, events: 4, tombstonesWritten: 2 });
    const record = await svc.erasure.get(scope('ann'), ticket.id);
    expect(record).toMatchObject({ status: 'completed', userId: null, memoryIds: [], sessionIds: [] });
    expect(JSON.stringify(record)).not.toMatch(/Initech|ann/);
    expect(await prisma.memory.count({ where: { id } })).toBe(0);
    const turns = await prisma.memoryTurn.findMany({ where: { session: { externalId: 's1', tenantId } } });
    expect(turns.map((t) => t.text)).toEqual(['[erased]']);
    // a second run (a retried job) changes nothing and answers the same report
    expect(await svc.erasure.process(ticket.id)).toEqual(report);
  });

  it('tombstones: an erased fact is not learnt again from echoes or from older transcripts, only when the user states it again', async () => {
    const svc = services();
    const first = await ingest(svc, 'cy', 'c1', [{ role: 'user', content: 'I work at Globex' }], new Date(Date.now() - 3_600_000));
    const before = new Set((await prisma.memoryTombstone.findMany({ where: { tenantId } })).map((s) => s.factKey));
    const t = await svc.erasure.eraseMemory(scope('cy'), first.results[0]?.memoryId as string);
    await svc.erasure.process(t.id);
    const stones = (await prisma.memoryTombstone.findMany({ where: { tenantId } })).filter((s) => !before.has(s.factKey));
    expect(stones).toHaveLength(2); // the fact's and its turn's episode's (keyed hashes, no text)
    expect(JSON.stringify(stones)).not.toMatch(/globex|cy/i);

    // the assistant echoes it in a later session: dropped
    const echo = await ingest(svc, 'cy', 'c2', [{ role: 'user', content: 'Any plans for the weekend?' }, { role: 'assistant', content: 'Since you work at Globex, maybe rest.' }]);
    expect(echo.results).toEqual([expect.objectContaining({ event: 'NONE', reason: expect.stringContaining('erased at the user') })]);
    // a transcript from before the erasure, processed late: the user's own words, but said before: dropped
    const late = await ingest(svc, 'cy', 'c0', [{ role: 'user', content: 'I work at Globex, by the way' }], new Date(Date.now() - 7_200_000));
    expect(late.results.map((r) => r.event)).toEqual(['NONE']);
    expect((await svc.memories.list(scope('cy'))).total).toBe(0);

    // the user says it again, after the erasure: learnt again, the tombstone gone
    const again = await ingest(svc, 'cy', 'c3', [{ role: 'user', content: 'I work at Globex again' }]);
    expect(again.results.map((r) => r.event)).toEqual(['ADD']);
    expect((await svc.memories.list(scope('cy'))).items.map((v) => v.memory.text)).toEqual(['Works at Globex']);
    expect(await prisma.memoryTombstone.count({ where: { tenantId, factKey: stones[0]?.factKey as string } })).toBe(0);
  });

  it('with the rule-based extractor: a superseding fact erased leaves no copy in the older fact’s events', async () => {
    const svc = services({}, ruleBasedExtractor);
    await ingest(svc, 'eve', 'e1', [{ role: 'user', content: 'I live in Lyon.' }], new Date(Date.now() - 60_000));
    const newer = await ingest(svc, 'eve', 'e2', [{ role: 'user', content: 'I moved to Oslo.' }]);
    const update = newer.results.find((r) => r.event === 'UPDATE' || r.event === 'ADD');
    expect(update).toBeDefined();
    const t = await svc.erasure.eraseMemory(scope('eve'), update?.memoryId as string);
    await svc.erasure.process(t.id);
    const events = await prisma.memoryEvent.findMany({ where: { tenantId, userId: 'eve' } });
    expect(JSON.stringify(events)).not.toContain('Oslo');
    expect(JSON.stringify(events)).not.toContain(update?.memoryId as string);
    expect(await prisma.memory.count({ where: { tenantId, userId: 'eve', supersededById: update?.memoryId as string } })).toBe(0);
  });

  it('a session erasure removes the transcript and its memories; a whole-user erasure removes everything and its tombstones', async () => {
    const svc = services();
    await ingest(svc, 'flo', 'f1', [{ role: 'user', content: 'I work at Umbrella' }]);
    await ingest(svc, 'flo', 'f2', [{ role: 'user', content: 'I work at Hooli' }]);
    const s = await svc.erasure.eraseSession(scope('flo'), 'f1');
    await expect(svc.sessions.status(scope('flo'), 'f1')).rejects.toBeInstanceOf(NotFoundError);
    const r = await svc.erasure.process(s.id);
    // memories: the fact and the episode of its turn (issue 14's episodic tier)
    expect(r.steps.find((x) => x.store === 'postgres')?.removed).toMatchObject({ memories: 2, sessions: 1, turns: 1 });
    expect(await prisma.memorySession.count({ where: { tenantId, userId: 'flo' } })).toBe(1);

    const u = await svc.erasure.eraseUser(scope('flo'));
    const ru = await svc.erasure.process(u.id);
    expect(ru.steps.find((x) => x.store === 'postgres')?.removed).toMatchObject({ memories: 2, sessions: 1, tombstonesDropped: 2 }); // the fact's and its (dated) episode's
    for (const n of await Promise.all([prisma.memory.count({ where: { userId: 'flo' } }), prisma.memorySession.count({ where: { userId: 'flo' } }), prisma.biography.count({ where: { userId: 'flo' } }), prisma.memoryEvent.count({ where: { userId: 'flo' } })])) expect(n).toBe(0);
    expect(await prisma.memoryErasure.count({ where: { userId: 'flo' } })).toBe(0);
  });

  it('eviction at the per-user cap goes through the same path: an erasure record, a hard delete, a report', async () => {
    // facts only: an episode counts toward the cap like any memory (volatile: evicted first; episodic.spec)
    const svc = services({ maxMemoriesPerUser: 2, episodes: false });
    await ingest(svc, 'gus', 'g1', [{ role: 'user', content: 'I work at Acme' }]);
    await ingest(svc, 'gus', 'g2', [{ role: 'user', content: 'I work at Stark' }]);
    const third = await ingest(svc, 'gus', 'g3', [{ role: 'user', content: 'I work at Wayne' }]);
    const evicted = third.results.filter((r) => r.reason?.startsWith('evicted'));
    expect(evicted).toHaveLength(1);
    const rec = await prisma.memoryErasure.findFirstOrThrow({ where: { tenantId, kind: 'eviction' } });
    const report = await svc.erasure.process(rec.id);
    expect(report.kind).toBe('eviction');
    expect(report.steps.find((x) => x.store === 'postgres')?.removed).toMatchObject({ memories: 1, tombstonesWritten: 0, turnsRedacted: 0 });
    expect(await prisma.memory.count({ where: { id: evicted[0]?.memoryId as string } })).toBe(0);
    expect((await svc.memories.list(scope('gus'))).total).toBe(2);
  });

  it('a forget command is restorable during its grace period, then swept into the hard-delete path', async () => {
    const svc = services({ restoreGraceDays: 7 }, ruleBasedExtractor);
    await ingest(svc, 'ida', 'i1', [{ role: 'user', content: 'I work at Vandelay Industries.' }]);
    const forgot = await ingest(svc, 'ida', 'i2', [{ role: 'user', content: 'Please forget that I work at Vandelay Industries.' }]);
    const id = forgot.results.find((r) => r.event === 'DELETE')?.memoryId as string;
    expect(id).toBeDefined();
    expect((await svc.erasure.reconcile(0)).swept).toBe(0); // within the grace period: still restorable
    const later = services({ restoreGraceDays: 7 }, ruleBasedExtractor);
    later.ctx.clock = () => new Date(Date.now() + 8 * 86_400_000);
    expect((await later.erasure.reconcile(0)).swept).toBe(2); // the fact and the episode of the turn that stated it
    const rec = await prisma.memoryErasure.findFirstOrThrow({ where: { tenantId, memoryIds: { has: id } } });
    await later.erasure.process(rec.id);
    expect(await prisma.memory.count({ where: { id } })).toBe(0);
    expect((await later.erasure.reconcile(0)).swept).toBe(0);
  });

  it('the reconciler queues pending erasures again (a lost job)', async () => {
    const queued: string[] = [];
    const svc = services();
    svc.ctx.notifier.erasureRequested = async (id: string) => void queued.push(id);
    await ingest(svc, 'hal', 'h1', [{ role: 'user', content: 'I work at Cyberdyne' }]);
    const t = await svc.erasure.eraseUser(scope('hal'));
    queued.length = 0;
    expect(await svc.erasure.reconcile(0)).toMatchObject({ requeued: expect.any(Number) });
    expect(queued).toContain(t.id);
    await svc.erasure.process(t.id);
    queued.length = 0;
    await svc.erasure.reconcile(0);
    expect(queued).not.toContain(t.id);
  });
});
