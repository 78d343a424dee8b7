import fc from 'fast-check';
import type { TextEmbedder } from '@frontier/ml-ports';
import { createUseEmbedder } from '@frontier/ml-embeddings';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { BadRequestError, ConflictError, NotFoundError } from './errors';
import { createMemoryDeps } from './memory-deps';
import { deleteBySession, getMemory, listMemories, memoryHistory, profile, updateMemory } from './memories';
import { processSession } from './pipeline';
import { rebuildBiography, usersNeedingBiography } from './biography';
import { searchMemories } from './retrieval';
import { storeSession, type TurnInput } from './sessions';
import type { MemoryDeps } from './deps';

const filler = (n: number): TurnInput[] =>
  Array.from({ length: n }, (_, i) => ({ id: `f${i}`, role: 'assistant' as const, content: 'That sounds lovely, tell me more about how your week went and what you are planning next.' }));

describe('memory pipeline on real Postgres with the real USE-lite embedder', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let embedder: TextEmbedder;
  let deps: MemoryDeps;
  let tenantId: string;
  const alice = () => ({ tenantId, userId: 'alice' });

  beforeAll(async () => {
    db = await createTestDatabase('memory_pipeline');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    embedder = await createUseEmbedder({ inline: true });
    deps = createMemoryDeps({ prisma, embedder });
    tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
  }, 60_000);

  afterAll(async () => {
    await deps.index.close();
    await embedder.close?.();
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('stores a session once; a changed re-post is refused; bad input names the field', async () => {
    const input = { sessionId: 's0', turns: [{ role: 'user' as const, content: 'hello' }] };
    const a = await storeSession(deps, alice(), input);
    const b = await storeSession(deps, alice(), input);
    expect([a.created, b.created, b.id]).toEqual([true, false, a.id]);
    await expect(storeSession(deps, alice(), { sessionId: 's0', turns: [{ role: 'user', content: 'bye' }] })).rejects.toBeInstanceOf(ConflictError);
    await expect(storeSession(deps, alice(), { sessionId: 'e', turns: [] })).rejects.toMatchObject({ field: 'turns' });
    await expect(storeSession(deps, alice(), { sessionId: 'e', turns: [{ role: 'user', content: ' ' }] })).rejects.toMatchObject({ field: 'turns[0].content' });
    const skipped = await processSession(deps, alice(), a.id);
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'too-short', results: [] });
  });

  it('extracts, dedups, supersedes contradictions (kept in history), and is idempotent', async () => {
    const s1 = await storeSession(deps, alice(), {
      sessionId: 's1',
      startedAt: new Date('2026-01-10T10:00:00Z'),
      turns: [
        { id: 'D1:1', role: 'user', content: "I work at Acme Corp. I'm allergic to peanuts. My daughter is 7." },
        ...filler(12),
        { id: 'D1:2', role: 'user', content: 'I love hiking in the mountains.' },
      ],
    });
    const first = await processSession(deps, alice(), s1.id);
    expect(first.status).toBe('processed');
    expect(first.results.map((r) => r.event)).toEqual(['ADD', 'ADD', 'ADD', 'ADD']);
    const again = await processSession(deps, alice(), s1.id);
    expect(again.results).toEqual([]);
    expect((await listMemories(deps, alice())).total).toBe(4);

    const s2 = await storeSession(deps, alice(), {
      sessionId: 's2',
      startedAt: new Date('2026-06-01T10:00:00Z'),
      turns: [{ id: 'D2:1', role: 'user', content: 'Remember that I work at Globex now. I love hiking in the mountains.' }],
    });
    const second = await processSession(deps, alice(), s2.id);
    expect(second.results.map((r) => [r.event, r.text])).toEqual([
      ['UPDATE', 'I work at Globex now'],
      ['NONE', 'I love hiking in the mountains'],
    ]);
    const live = await listMemories(deps, alice());
    expect(live.items.map((m) => m.text).sort()).toEqual(["I'm allergic to peanuts", 'I love hiking in the mountains', 'I work at Globex now', 'My daughter is 7'].sort());
    const all = await listMemories(deps, alice(), { includeInactive: true });
    const acme = all.items.find((m) => m.text === 'I work at Acme Corp');
    expect(acme?.supersededBy).toBe(second.results[0]?.memoryId);
    expect(acme?.invalidAt?.toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect((await memoryHistory(deps, alice(), acme?.id ?? '')).map((e) => e.event)).toEqual(['ADD', 'SUPERSEDE']);

    const found = await searchMemories(deps, alice(), { query: 'where do I work?', limit: 3 });
    expect(found.memories[0]?.memory.text).toBe('I work at Globex now');
    expect(found.memories.some((m) => m.memory.text.includes('Acme'))).toBe(false);
    expect(found.memories[0]?.breakdown).toMatchObject({ confidence: 0.95, usage: 1 });
    expect(found.profile).toContain('- I believe you mentioned that you work at Globex now.');
    expect((await getMemory(deps, alice(), found.memories[0]?.memory.id ?? '')).retrievalCount).toBe(1);
  }, 60_000);

  it('updates, deletes by session, forgets on command, rebuilds the biography', async () => {
    const page = await listMemories(deps, alice(), { type: 'relationship' });
    const daughter = page.items[0];
    expect(daughter?.text).toBe('My daughter is 7');
    const updated = await updateMemory(deps, alice(), daughter?.id ?? '', { text: 'My daughter is 8' });
    expect(updated.text).toBe('My daughter is 8');
    expect((await memoryHistory(deps, alice(), updated.id)).map((e) => [e.event, e.previousText, e.newText])).toEqual([
      ['ADD', null, 'My daughter is 7'],
      ['UPDATE', 'My daughter is 7', 'My daughter is 8'],
    ]);
    await expect(updateMemory(deps, alice(), updated.id, { text: '' })).rejects.toBeInstanceOf(BadRequestError);

    expect(await usersNeedingBiography(deps)).toEqual([alice()]);
    const bio = await rebuildBiography(deps, alice());
    expect(await usersNeedingBiography(deps)).toEqual([]);
    expect(bio).toMatchObject({ rebuilt: true, factCount: 4, generator: 'deterministic-v1' });
    expect(bio.text).not.toContain('peanuts'); // special-category facts stay out of the biography
    expect((await rebuildBiography(deps, alice())).rebuilt).toBe(false);

    const s3 = await storeSession(deps, alice(), { sessionId: 's3', turns: [{ id: 'D3:1', role: 'user', content: 'Please forget that I love hiking in the mountains.' }] });
    const forgot = await processSession(deps, alice(), s3.id);
    expect(forgot.results.map((r) => r.event)).toEqual(['DELETE']);
    const search = await searchMemories(deps, alice(), { query: 'hiking mountains', limit: 5 });
    expect(search.memories.some((m) => m.memory.text.includes('hiking'))).toBe(false);
    expect((await profile(deps, alice())).biography?.stale).toBe(true);

    expect(await deleteBySession(deps, alice(), 's2')).toBe(1);
    expect((await listMemories(deps, alice())).items.map((m) => m.text).sort()).toEqual(["I'm allergic to peanuts", 'My daughter is 8'].sort());
    await expect(deleteBySession(deps, alice(), 'nope')).rejects.toBeInstanceOf(NotFoundError);
  }, 60_000);

  it('evicts beyond the per-user cap: least recently retrieved first, durable facts last', async () => {
    const capped = { ...deps, options: { maxMemoriesPerUser: 2 } };
    const dora = { tenantId, userId: 'dora' };
    const s = await storeSession(capped, dora, {
      sessionId: 'cap',
      turns: [{ id: 'c1', role: 'user', content: "Remember that I'm allergic to shellfish. Remember that I love jazz. Remember that I'm going to learn Portuguese." }],
    });
    const out = await processSession(capped, dora, s.id);
    expect(out.results.filter((r) => r.event === 'DELETE').map((r) => r.reason)).toEqual(['evicted: over the per-user cap']);
    const left = (await listMemories(capped, dora)).items.map((m) => m.type).sort();
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
      const s = await storeSession(deps, scope, { sessionId: `iso${i}`, turns: [{ id: 'x', role: 'user', content: `Remember that ${facts[i]}. Remember that ${facts[i + 3]}.` }] });
      await processSession(deps, scope, s.id);
    }
    const owned = new Map<string, Set<string>>();
    for (const scope of [...scopes, alice()]) {
      const ids = (await listMemories(deps, scope, { includeInactive: true })).items.map((m) => m.id);
      owned.set(`${scope.tenantId}/${scope.userId}`, new Set(ids));
    }
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...scopes, alice()), fc.constantFrom(...facts, 'work', 'where do I live', 'pets'), async (scope, q) => {
        const r = await searchMemories(deps, scope, { query: q, limit: 10, record: false });
        const mine = owned.get(`${scope.tenantId}/${scope.userId}`) ?? new Set();
        return r.memories.every((m) => mine.has(m.memory.id));
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
