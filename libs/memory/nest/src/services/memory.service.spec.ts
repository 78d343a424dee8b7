import fc from 'fast-check';
import type { TextEmbedder } from '@frontier/ml-ports';
import { createUseEmbedder } from '@frontier/ml-embeddings';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { BadRequestError, ConflictError, NotFoundError } from '@frontier/memory-data-access';
import { createMemoryContext, createMemoryServices, type MemoryServices } from '../context';
import { MemoryNotifier, type MemoryContext } from '../ports';
import type { TurnInput } from './session.service';
import type { MemoryScope } from '@frontier/memory-contracts';

/** Records what the services announced (the Nest apps queue jobs and publish on Redis instead). */
class RecordingNotifier extends MemoryNotifier {
  readonly changes: string[] = [];
  readonly stored: string[] = [];
  readonly due: string[] = [];
  async changed(s: MemoryScope): Promise<void> {
    this.changes.push(s.userId);
  }
  async sessionStored(_s: MemoryScope, id: string): Promise<void> {
    this.stored.push(id);
  }
  async biographyDue(s: MemoryScope): Promise<void> {
    this.due.push(s.userId);
  }
}

const filler = (n: number): TurnInput[] =>
  Array.from({ length: n }, (_, i) => ({ id: `f${i}`, role: 'assistant' as const, content: 'That sounds lovely, tell me more about how your week went and what you are planning next.' }));

describe('memory services on real Postgres with the real USE-lite embedder', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let embedder: TextEmbedder;
  let ctx: MemoryContext;
  let svc: MemoryServices;
  const notifier = new RecordingNotifier();
  let tenantId: string;
  const alice = () => ({ tenantId, userId: 'alice' });
  // the services answer views (memory + its session); these tests look at the memories
  const list = async (scope: MemoryScope, input = {}) => {
    const page = await svc.memories.list(scope, input);
    return { ...page, items: page.items.map((v) => v.memory) };
  };
  const get = async (scope: MemoryScope, id: string) => (await svc.memories.get(scope, id)).memory;
  const update = async (scope: MemoryScope, id: string, input: { text?: string }) => (await svc.memories.update(scope, id, input)).memory;

  beforeAll(async () => {
    db = await createTestDatabase('memory_pipeline');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    embedder = await createUseEmbedder({ inline: true });
    ctx = createMemoryContext({ prisma, embedder, notifier });
    svc = createMemoryServices(ctx);
    tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
  }, 60_000);

  afterAll(async () => {
    await ctx.index.close();
    await embedder.close?.();
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('stores a session once; a changed re-post is refused; bad input names the field', async () => {
    const input = { sessionId: 's0', turns: [{ role: 'user' as const, content: 'hello' }] };
    const a = await svc.sessions.store(alice(), input);
    const b = await svc.sessions.store(alice(), input);
    expect([a.created, b.created, b.id]).toEqual([true, false, a.id]);
    await expect(svc.sessions.store(alice(), { sessionId: 's0', turns: [{ role: 'user', content: 'bye' }] })).rejects.toBeInstanceOf(ConflictError);
    await expect(svc.sessions.store(alice(), { sessionId: 'e', turns: [] })).rejects.toMatchObject({ field: 'turns' });
    await expect(svc.sessions.store(alice(), { sessionId: 'e', turns: [{ role: 'user', content: ' ' }] })).rejects.toMatchObject({ field: 'turns[0].content' });
    const skipped = await svc.extraction.process(alice(), a.id);
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'too-short', results: [{ event: 'NONE', reason: 'not significant: 2 tokens (≤ 200) and no memory command' }] });
  });

  it('extracts, dedups, supersedes contradictions (kept in history), and is idempotent', async () => {
    const s1 = await svc.sessions.store(alice(), {
      sessionId: 's1',
      startedAt: new Date('2026-01-10T10:00:00Z'),
      turns: [
        { id: 'D1:1', role: 'user', content: "I work at Acme Corp. I'm allergic to peanuts. My daughter is 7." },
        ...filler(12),
        { id: 'D1:2', role: 'user', content: 'I love hiking in the mountains.' },
      ],
    });
    const first = await svc.extraction.process(alice(), s1.id);
    expect(first.status).toBe('processed');
    expect(notifier.changes).toEqual(['alice']); // "memory changed" is announced once per processed session
    expect(first.results.map((r) => r.event)).toEqual(['ADD', 'ADD', 'ADD', 'ADD']);
    const again = await svc.extraction.process(alice(), s1.id);
    expect(again.results).toEqual([]);
    expect((await list(alice())).total).toBe(4);

    const s2 = await svc.sessions.store(alice(), {
      sessionId: 's2',
      startedAt: new Date('2026-06-01T10:00:00Z'),
      turns: [{ id: 'D2:1', role: 'user', content: 'Remember that I work at Globex now. I love hiking in the mountains.' }],
    });
    const second = await svc.extraction.process(alice(), s2.id);
    expect(second.results.map((r) => [r.event, r.text])).toEqual([
      ['UPDATE', 'I work at Globex now'],
      ['NONE', 'I love hiking in the mountains'],
    ]);
    const live = await list(alice());
    expect(live.items.map((m) => m.text).sort()).toEqual(["I'm allergic to peanuts", 'I love hiking in the mountains', 'I work at Globex now', 'My daughter is 7'].sort());
    const all = await list(alice(), { includeInactive: true });
    const acme = all.items.find((m) => m.text === 'I work at Acme Corp');
    expect(acme?.supersededBy).toBe(second.results[0]?.memoryId);
    expect(acme?.invalidAt?.toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect((await svc.memories.history(alice(), acme?.id ?? '')).map((e) => e.event)).toEqual(['ADD', 'SUPERSEDE']);

    const found = await svc.memories.search(alice(), { query: 'where do I work?', limit: 3 });
    expect(found.memories[0]?.memory.text).toBe('I work at Globex now');
    expect(found.memories.some((m) => m.memory.text.includes('Acme'))).toBe(false);
    expect(found.memories[0]?.breakdown).toMatchObject({ confidence: 0.95, usage: 1 });
    expect(found.profile).toContain('- I believe you mentioned that you work at Globex now.');
    expect((await get(alice(), found.memories[0]?.memory.id ?? '')).retrievalCount).toBe(0); // buffered off the search path
    await svc.memories.flushRetrievals();
    expect((await get(alice(), found.memories[0]?.memory.id ?? '')).retrievalCount).toBe(1);
  }, 60_000);

  it('updates, deletes by session, forgets on command, rebuilds the biography', async () => {
    const page = await list(alice(), { type: 'relationship' });
    const daughter = page.items[0];
    expect(daughter?.text).toBe('My daughter is 7');
    const updated = await update(alice(), daughter?.id ?? '', { text: 'My daughter is 8' });
    expect(updated.text).toBe('My daughter is 8');
    expect((await svc.memories.history(alice(), updated.id)).map((e) => [e.event, e.previousText, e.newText])).toEqual([
      ['ADD', null, 'My daughter is 7'],
      ['UPDATE', 'My daughter is 7', 'My daughter is 8'],
    ]);
    await expect(update(alice(), updated.id, { text: '' })).rejects.toBeInstanceOf(BadRequestError);

    expect(await ctx.biographies.usersNeedingRebuild(new Date(Date.now() - 30 * 86_400_000))).toEqual([alice()]);
    const bio = await svc.biography.rebuild(alice());
    expect(await ctx.biographies.usersNeedingRebuild(new Date(Date.now() - 30 * 86_400_000))).toEqual([]);
    expect(bio).toMatchObject({ rebuilt: true, factCount: 4, generator: 'deterministic-v1' });
    expect(bio.text).not.toContain('peanuts'); // special-category facts stay out of the biography
    expect((await svc.biography.rebuild(alice())).rebuilt).toBe(false);

    const s3 = await svc.sessions.store(alice(), { sessionId: 's3', turns: [{ id: 'D3:1', role: 'user', content: 'Please forget that I love hiking in the mountains.' }] });
    const forgot = await svc.extraction.process(alice(), s3.id);
    expect(forgot.results.map((r) => r.event)).toEqual(['DELETE']);
    const search = await svc.memories.search(alice(), { query: 'hiking mountains', limit: 5 });
    expect(search.memories.some((m) => m.memory.text.includes('hiking'))).toBe(false);
    expect((await svc.memories.profile(alice())).biography?.stale).toBe(true);

    expect(await svc.memories.deleteBySession(alice(), 's2')).toBe(1);
    expect((await list(alice())).items.map((m) => m.text).sort()).toEqual(["I'm allergic to peanuts", 'My daughter is 8'].sort());
    await expect(svc.memories.deleteBySession(alice(), 'nope')).rejects.toBeInstanceOf(NotFoundError);
  }, 60_000);

  it('evicts beyond the per-user cap: least recently retrieved first, durable facts last', async () => {
    const capped = createMemoryServices({ ...ctx, options: { maxMemoriesPerUser: 2 } });
    const dora = { tenantId, userId: 'dora' };
    const s = await capped.sessions.store(dora, {
      sessionId: 'cap',
      turns: [{ id: 'c1', role: 'user', content: "Remember that I'm allergic to shellfish. Remember that I love jazz. Remember that I'm going to learn Portuguese." }],
    });
    const out = await capped.extraction.process(dora, s.id);
    expect(out.results.filter((r) => r.event === 'DELETE').map((r) => r.reason)).toEqual(['evicted: over the per-user cap']);
    const left = (await (async (sc: MemoryScope) => ({ items: (await capped.memories.list(sc)).items.map((v) => v.memory) }))(dora)).items.map((m) => m.type).sort();
    expect(left).toHaveLength(2);
    expect(left).toContain('health');
  }, 60_000);

  it('property: no query ever returns another user\'s or tenant\'s memory', async () => {
    const otherTenant = (await prisma.tenant.create({ data: { name: 'other' } })).id;
    const scopes = [
      { tenantId, userId: 'bob' },
      { tenantId, userId: 'carol' },
      { tenantId: otherTenant, userId: 'bob' },
    ];
    const facts = ['I work at Initech', 'I live in Porto', "I'm a nurse", 'I love jazz', 'My dog is named Rex', 'I moved to Berlin'];
    for (const [i, scope] of scopes.entries()) {
      const s = await svc.sessions.store(scope, { sessionId: `iso${i}`, turns: [{ id: 'x', role: 'user', content: `Remember that ${facts[i]}. Remember that ${facts[i + 3]}.` }] });
      await svc.extraction.process(scope, s.id);
    }
    const owned = new Map<string, Set<string>>();
    for (const scope of [...scopes, alice()]) {
      const ids = (await list(scope, { includeInactive: true })).items.map((m) => m.id);
      owned.set(`${scope.tenantId}/${scope.userId}`, new Set(ids));
    }
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...scopes, alice()), fc.constantFrom(...facts, 'work', 'where do I live', 'pets'), async (scope, q) => {
        const r = await svc.memories.search(scope, { query: q, limit: 10, record: false });
        const mine = owned.get(`${scope.tenantId}/${scope.userId}`) ?? new Set();
        return r.memories.every((m) => mine.has(m.memory.id));
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
