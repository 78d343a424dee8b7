import type { TextEmbedder } from '@frontier/ml-ports';
import { createUseEmbedder } from '@frontier/ml-embeddings';
import type { MemoryScope } from '@frontier/memory-contracts';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { createMemoryContext, createMemoryServices, type MemoryServices } from '../context';
import { Mem0Service } from '../mem0/mem0.service';

/**
 * Issue 10, item 3: concurrent extraction for one user duplicated facts. Two service stacks with
 * Prisma clients and embedded indexes of their own stand for two processes (memory-api and
 * memory-worker, or two workers) on one database; nothing tells one about the other's writes
 * (no change bus here), so only the per-user lock and the catch-up inside it keep them straight.
 */
describe('one user, many concurrent sessions: the outcome of some sequential order (real Postgres, USE-lite)', () => {
  let db: TestDatabase;
  let clients: PrismaService[];
  let embedder: TextEmbedder;
  let stacks: MemoryServices[];
  let tenantId: string;
  const scope = (userId: string): MemoryScope => ({ tenantId, userId });
  const stack = (i: number) => stacks[i % stacks.length] as MemoryServices;
  // facts (each session's turn is also kept as an episode: issue 14's episodic tier)
  const live = async (userId: string) => (await (stacks[0] as MemoryServices).ctx.memories.allLive(scope(userId), new Date())).filter((m) => m.type !== 'episode');
  /** Both "processes" have served the user before: each holds an index copy made before the burst. */
  const warm = async (userId: string) => {
    for (const s of stacks) await s.memories.search(scope(userId), { query: 'what do you know about me?' });
  };

  beforeAll(async () => {
    db = await createTestDatabase('memory_concurrency');
    // the inline embedder holds the event loop while queries wait for a connection: a generous pool wait
    clients = [new PrismaService({ databaseUrl: db.url, connectTimeoutMs: 60_000 }), new PrismaService({ databaseUrl: db.url, connectTimeoutMs: 60_000 })];
    await Promise.all(clients.map((c) => c.onModuleInit()));
    embedder = await createUseEmbedder({ inline: true });
    stacks = clients.map((prisma) => createMemoryServices(createMemoryContext({ prisma, embedder, options: { minSessionTokens: 0 } })));
    tenantId = (await (clients[0] as PrismaService).tenant.create({ data: { name: 'concurrency' } })).id;
  }, 90_000);

  afterAll(async () => {
    for (const s of stacks) await s.ctx.index.close();
    await embedder.close?.();
    await Promise.all(clients.map((c) => c.onModuleDestroy()));
    await db.drop();
  });

  it('40 concurrent sessions stating the same fact leave one live copy', async () => {
    await warm('ann');
    const turns = (i: number) => [{ role: 'user' as const, content: `I'm allergic to peanuts. (chat ${i})` }];
    const stored = await Promise.all(Array.from({ length: 40 }, (_, i) => stack(i).sessions.store(scope('ann'), { sessionId: `s${i}`, turns: turns(i) })));
    const outcomes = await Promise.all(stored.map((s, i) => stack(i).extraction.process(scope('ann'), s.id)));
    const facts = (await live('ann')).filter((m) => /allergic to peanuts/i.test(m.text));
    expect(facts).toHaveLength(1);
    // one ADD, 39 restatements that reinforced it
    const events = outcomes.flatMap((o) => o.results.map((r) => r.event));
    expect(events.filter((e) => e === 'ADD')).toHaveLength(1);
    expect(events.filter((e) => e === 'NONE')).toHaveLength(39);
    expect(new Set(outcomes.flatMap((o) => o.results.map((r) => r.memoryId)))).toEqual(new Set([facts[0]?.id]));
  }, 180_000);

  it('60 concurrent Mem0 adds of one memory leave one live copy', async () => {
    await warm('bob');
    const mem0 = stacks.map((s) => new Mem0Service(s.memories, s.sessions, s.extraction, undefined as never, s.erasure, s.exports, s.ctx));
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => (mem0[i % 2] as Mem0Service).add(tenantId, { user_id: 'bob', infer: false, messages: [{ role: 'user', content: 'Prefers window seats on long flights' }] })),
    );
    expect((await live('bob')).map((m) => m.text)).toEqual(['Prefers window seats on long flights']);
    const events = answers.flatMap((a) => a.map((r) => ('event' in r ? r.event : r.status)));
    expect(events.filter((e) => e === 'ADD')).toHaveLength(1);
  }, 180_000);

  it('20 concurrent "I live in <city>" leave one live home, the newest one, its predecessors superseded in a chain', async () => {
    const cities = ['Lisbon', 'Porto', 'Madrid', 'Seville', 'Paris', 'Lyon', 'Berlin', 'Munich', 'Vienna', 'Prague', 'Warsaw', 'Krakow', 'Oslo', 'Bergen', 'Dublin', 'Cork', 'Rome', 'Milan', 'Athens', 'Sofia'];
    const day = (i: number) => new Date(Date.UTC(2026, 0, 1 + i));
    const stored = await Promise.all(cities.map((c, i) => stack(i).sessions.store(scope('cy'), { sessionId: `home-${i}`, startedAt: day(i), turns: [{ role: 'user', content: `I live in ${c}.` }] })));
    await Promise.all(stored.map((s, i) => stack(i).extraction.process(scope('cy'), s.id)));
    const homes = (await live('cy')).filter((m) => m.slot === 'location.home');
    // whatever order they ran in, a sequential run keeps the newest in event time
    expect(homes.map((m) => m.text)).toEqual(['I live in Sofia']);
    // every other stored home was superseded by a later one (none left live, none lost)
    const all = await (clients[0] as PrismaService).memory.findMany({ where: { tenantId, userId: 'cy', slot: 'location.home' } });
    expect(all.filter((m) => m.invalidAt === null && m.deletedAt === null)).toHaveLength(1);
    expect(all.filter((m) => m.invalidAt !== null).every((m) => m.supersededById !== null)).toBe(true);
  }, 180_000);
});
