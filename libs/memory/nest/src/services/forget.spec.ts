import type { TextEmbedder } from '@frontier/ml-ports';
import { createUseEmbedder } from '@frontier/ml-embeddings';
import type { MemoryScope } from '@frontier/memory-contracts';
import type { Extractor } from '@frontier/memory-domain';
import { ConflictError } from '@frontier/memory-data-access';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { createMemoryContext, createMemoryServices, type MemoryServices } from '../context';
import type { MemoryContext } from '../ports';

/** Each user turn stored as said (a fact per turn), so the test controls exactly what is stored. */
const asSaid: Extractor = { id: 'as-said', extract: async (turns) => turns.filter((t) => t.role === 'user').map((t) => ({ text: t.text, type: 'context' as const, confidence: 0.9, turnIds: [t.id] })) };

const FACTS = ['I live in Paris', 'I get enough sleep every night', 'My sister is called Ana', 'I work at Acme Corp', 'My home address is 12 Rue de Rivoli', 'My work address is 5 Main Street', 'I love hiking in the mountains'];

/** Everyday speech over those facts: the first version deleted facts on several of these (issue 10, item 1). */
const EVERYDAY = [
  "And don't forget to get enough sleep, it really helps.",
  "I don't remember what it's called.",
  "Don't forget your umbrella!",
  "I can't remember his name.",
  'Remember when we went hiking in the mountains?',
  'I forgot my keys again this morning.',
  "Forget about it, it's fine.",
  'Never forget where you came from.',
  "I'll never forget the day we met.",
  "Don't remember that guy's name, sorry.",
  'Forget I said anything about my sister.',
  'She told me to forget that I ever met him.',
  'If you move, forget about my address.',
  'Did you forget my birthday?',
  'Forget the haters, you are doing great.',
  'I wish I could forget my work address.',
  'Remember to sleep enough every night.',
  "Let's forget about work for a while.",
];

describe('forget commands on real Postgres with the real USE-lite embedder (issue 10, item 1)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let embedder: TextEmbedder;
  let ctx: MemoryContext;
  let svc: MemoryServices;
  let now = new Date('2026-03-01T12:00:00Z');
  let ann: MemoryScope;
  let n = 0;
  const session = async (turns: string[], extractor?: Extractor) => {
    const s = await svc.sessions.store(ann, { sessionId: `s${++n}`, startedAt: now, turns: turns.map((content, i) => ({ id: `T${n}:${i}`, role: 'user' as const, content })) });
    return svc.extraction.process(ann, s.id, { minSessionTokens: 0, ...(extractor ? { extractor } : {}) });
  };
  const live = async () => new Map((await svc.memories.list(ann)).items.map((v) => [v.memory.text, v.memory.id]));
  const idOf = async (text: string) => (await live()).get(text) ?? '';

  beforeAll(async () => {
    db = await createTestDatabase('memory_forget');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    embedder = await createUseEmbedder({ inline: true });
    ctx = createMemoryContext({ prisma, embedder, clock: () => now });
    svc = createMemoryServices(ctx);
    ann = { tenantId: (await prisma.tenant.create({ data: { name: 'forget' } })).id, userId: 'ann' };
    const stored = await session(FACTS, asSaid);
    expect(stored.results.map((r) => r.event)).toEqual(FACTS.map(() => 'ADD'));
  }, 60_000);

  afterAll(async () => {
    await ctx.index.close();
    await embedder.close?.();
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('a session of everyday speech deletes nothing', async () => {
    const out = await session(EVERYDAY);
    expect(out.status).toBe('processed');
    expect(out.results.filter((r) => r.event === 'DELETE' || r.command)).toEqual([]);
    expect([...(await live()).keys()]).toEqual(expect.arrayContaining(FACTS));
  }, 60_000);

  it('"Please forget that I live in Paris" deletes exactly that fact, logged as a command and restorable', async () => {
    const paris = await idOf('I live in Paris');
    const before = await live();
    const out = await session(['Thanks for the tips. Please forget that I live in Paris.']);
    expect(out.results).toEqual([{ event: 'DELETE', memoryId: paris, text: 'I live in Paris', reason: `forget command in turn T${n}:0 (restorable)`, command: 'forget' }]);
    const after = await live();
    expect([...before.keys()].filter((t) => !after.has(t))).toEqual(['I live in Paris']);
    expect((await svc.memories.search(ann, { query: 'Where do I live? Paris', limit: 10, record: false })).memories.some((m) => m.memory.id === paris)).toBe(false);
    // history: the event, who (a command), when and which turn; no text while deleted
    expect((await svc.memories.history(ann, paris)).map((e) => [e.event, e.previousText, e.newText, e.actor, e.reason])).toEqual([
      ['ADD', null, null, 'as-said', null],
      ['DELETE', null, null, 'user-command', `forget command in turn T${n}:0`],
    ]);
    const stored = (await prisma.memoryEvent.findFirst({ where: { memoryId: paris, event: 'DELETE' } }))?.reason ?? '';
    expect(stored.startsWith('fxe1:')).toBe(true); // sealed at rest with the user's data key; the command as said inside
    expect((await svc.ctx.keys.opener(ann, [stored])).text('memory_events.reason', stored)).toBe(`forget command in turn T${n}:0: "Please forget that I live in Paris."`);

    // undo within the grace period: live, indexed and searchable again, the texts back in history
    now = new Date(now.getTime() + 6 * 86_400_000);
    const restored = await svc.memories.restore(ann, paris);
    expect([restored.memory.id, restored.memory.text, restored.memory.deletedAt]).toEqual([paris, 'I live in Paris', null]);
    expect((await svc.memories.search(ann, { query: 'Where do I live? Paris', limit: 3, record: false })).memories[0]?.memory.id).toBe(paris);
    expect((await svc.memories.history(ann, paris)).map((e) => [e.event, e.newText, e.actor])).toEqual([
      ['ADD', 'I live in Paris', 'as-said'],
      ['DELETE', null, 'user-command'],
      ['RESTORE', null, 'user'],
    ]);
    await expect(svc.memories.restore(ann, paris)).rejects.toMatchObject({ constructor: ConflictError, field: 'id', code: 'memory.not_deleted' });
  }, 60_000);

  it('restore is refused (409 naming id) after the grace period, for deletions by request, and for unknown ids', async () => {
    const hiking = await idOf('I love hiking in the mountains');
    expect((await session(['OK, forget that I love hiking in the mountains.'])).results.map((r) => [r.event, r.memoryId])).toEqual([['DELETE', hiking]]);
    now = new Date(now.getTime() + 7 * 86_400_000 + 1);
    await expect(svc.memories.restore(ann, hiking)).rejects.toMatchObject({ constructor: ConflictError, field: 'id', code: 'memory.restore_expired' });

    const acme = await idOf('I work at Acme Corp');
    await svc.memories.delete(ann, acme);
    await expect(svc.memories.restore(ann, acme)).rejects.toMatchObject({ constructor: ConflictError, field: 'id', code: 'memory.not_restorable' });
    await expect(svc.memories.restore(ann, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ field: 'id', code: 'not_found' });
    await expect(svc.memories.restore({ ...ann, userId: 'bob' }, hiking)).rejects.toMatchObject({ field: 'id', code: 'not_found' });
  }, 60_000);

  it('a forgotten fact whose slot a newer fact fills since cannot be restored (409 naming id)', async () => {
    const [globex] = (await session(['Remember that I work at Globex.'])).results;
    expect([globex?.event, globex?.text]).toEqual(['ADD', 'I work at Globex']);
    expect((await session(['Please forget that I work at Globex.'])).results.map((r) => [r.event, r.memoryId])).toEqual([['DELETE', globex?.memoryId]]);
    expect((await session(['Remember that I work at Initech.'])).results.map((r) => [r.event, r.text])).toEqual([['ADD', 'I work at Initech']]);
    await expect(svc.memories.restore(ann, globex?.memoryId ?? '')).rejects.toMatchObject({ constructor: ConflictError, field: 'id', code: 'memory.slot_taken' });
  }, 60_000);

  it('an ambiguous or unclear command deletes nothing and says why (NONE)', async () => {
    const before = await live();
    const out = await session(['Please forget my address.', 'Delete what you know about my sister.', 'Forget that I own a boat.']);
    expect(out.results.map((r) => [r.event, r.command, r.reason?.replace(/\(cos .*\)/, '(cos …)')])).toEqual([
      ['NONE', 'forget', 'forget command not applied: ambiguous: more than one fact matches "my address" (cos …)'],
      ['NONE', 'forget', 'forget command not applied: the fact that shares the words is not close in meaning (cos …)'],
      ['NONE', 'forget', 'forget command not applied: no stored fact contains the words of "I own a boat"'],
    ]);
    expect(await live()).toEqual(before);
  }, 60_000);
});
