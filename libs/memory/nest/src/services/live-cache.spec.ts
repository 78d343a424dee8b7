import { createTestDatabase, PrismaService, type TestDatabase } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import { isEpisode, parseCandidate, type Memory } from '@frontier/memory-domain';
import { createMemoryContext, createMemoryServices, type MemoryServices } from '../context';
import type { MemoryContext, MemoryOptions } from '../ports';
import { HashingEmbedder } from './erasure.spec-helper';
import type { TurnInput } from './session.service';
import { filler } from './testbed.spec-helper';

const AT = new Date('2026-03-08T10:00:00Z');

/**
 * Two "replicas" (two contexts: each its own embedded index and search cache, no change bus between
 * them) on one real Postgres: what one writes, the other's cached search must see at once.
 */
describe("search's per-user live-row cache on real Postgres, across replicas (hashing embedder: no model needed)", () => {
  jest.setTimeout(60_000); // a shared, loaded machine
  let db: TestDatabase;
  let prisma: PrismaService;
  let tenantId: string;
  const replicas: Array<{ ctx: MemoryContext; svc: MemoryServices }> = [];
  const replica = (options: MemoryOptions = {}) => {
    const ctx = createMemoryContext({ prisma, embedder: new HashingEmbedder(), clock: () => new Date('2026-04-01T00:00:00Z'), options: { retrievalFlushMs: 0, ...options } });
    const r = { ctx, svc: createMemoryServices(ctx) };
    replicas.push(r);
    return r;
  };
  const scope = (userId: string): MemoryScope => ({ tenantId, userId });
  const ingest = async (svc: MemoryServices, s: MemoryScope, sessionId: string, turns: TurnInput[]) => {
    const stored = await svc.sessions.store(s, { sessionId, startedAt: AT, turns });
    return svc.extraction.process(s, stored.id);
  };
  const texts = async (svc: MemoryServices, s: MemoryScope, query: string) => (await svc.memories.search(s, { query, limit: 20, record: false })).memories.map((m) => m.memory.text);

  beforeAll(async () => {
    db = await createTestDatabase('memory_live_cache');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    tenantId = (await prisma.tenant.create({ data: { name: 'live-cache' } })).id;
  }, 60_000);

  afterAll(async () => {
    for (const r of replicas) await r.ctx.index.close();
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('serves what Postgres serves; a delete or a correction on another replica is seen by the next search (a delta, not a reload)', async () => {
    const a = replica();
    const b = replica();
    const plain = replica({ liveCacheRows: 0 });
    const ann = scope('ann');
    await ingest(b.svc, ann, 's1', [
      { id: 't1', role: 'user', content: 'I keep bees on the roof of my flat in Lisbon.', at: AT },
      { id: 't2', role: 'user', content: 'My brother Tomas repairs old motorbikes in his garage.', at: AT },
      { id: 't3', role: 'user', content: 'We are planning a trip to the Azores next spring.', at: AT },
      ...filler(10),
    ]);
    const q = 'bees roof Lisbon motorbikes garage trip Azores';
    const cached = await a.svc.memories.search(ann, { query: q, limit: 20, record: false });
    const read = await plain.svc.memories.search(ann, { query: q, limit: 20, record: false });
    expect(cached.memories.map((m) => [m.memory.id, m.breakdown.score, m.session?.externalId])).toEqual(read.memories.map((m) => [m.memory.id, m.breakdown.score, m.session?.externalId]));
    expect(cached.memories.length).toBeGreaterThanOrEqual(3);
    expect(a.ctx.liveRows?.stats).toMatchObject({ loads: 1, deltas: 0 });

    const bees = (await b.svc.memories.list(ann, { type: 'episode' })).items.find((v) => v.memory.text.includes('bees'))?.memory.id as string;
    await b.svc.memories.delete(ann, bees);
    expect((await texts(a.svc, ann, q)).some((t) => t.includes('bees'))).toBe(false);
    expect(a.ctx.liveRows?.stats).toMatchObject({ loads: 1, deltas: 1 });

    const trip = (await b.svc.memories.list(ann, { type: 'episode' })).items.find((v) => v.memory.text.includes('Azores'))?.memory.id as string;
    await b.svc.memories.update(ann, trip, { text: 'We are planning a trip to Madeira next spring.' });
    const after = await texts(a.svc, ann, 'trip next spring Madeira Azores');
    expect(after).toContain('We are planning a trip to Madeira next spring.');
    expect(after.some((t) => t.includes('Azores'))).toBe(false);
    expect(a.ctx.liveRows?.stats).toMatchObject({ loads: 1, deltas: 2 });
    // nothing changed: the copy serves (one version check)
    await texts(a.svc, ann, q);
    expect(a.ctx.liveRows?.stats).toMatchObject({ loads: 1, deltas: 2 });
  });

  it('a memory erased and hard-deleted on another replica is never served from the copy', async () => {
    const a = replica();
    const b = replica();
    const bo = scope('bo');
    await ingest(b.svc, bo, 'b1', [{ id: 'k1', role: 'user', content: 'My neighbour Zelda collects antique typewriters from Prague.', at: AT }, ...filler(10)]);
    expect((await texts(a.svc, bo, 'antique typewriters Prague')).some((t) => t.includes('typewriters'))).toBe(true);
    const ids = (await prisma.memory.findMany({ where: { tenantId, userId: 'bo' }, select: { id: true } })).map((r) => r.id);
    const ticket = await b.svc.erasure.eraseMemories(bo, ids);
    await b.svc.erasure.process(ticket?.id as string); // the log's rows now name no memory: the copy is reloaded whole
    expect(await texts(a.svc, bo, 'antique typewriters Prague')).toEqual([]);
  });

  it('a whole-user erasure on another replica: the erased texts never come back, even after the user writes as many changes again', async () => {
    const a = replica();
    const b = replica();
    const cy = scope('cy');
    const turns = (words: string): TurnInput[] => [{ id: 'w1', role: 'user', content: words, at: AT }, ...filler(10)];
    await ingest(b.svc, cy, 'c1', turns('I am secretly learning the bagpipes in Glasgow.'));
    const changes = await prisma.memorySyncChange.count({ where: { tenantId, userId: 'cy' } });
    expect((await texts(a.svc, cy, 'bagpipes Glasgow')).some((t) => t.includes('bagpipes'))).toBe(true);
    const ticket = await b.svc.erasure.eraseUser(cy);
    await b.svc.erasure.process(ticket.id);
    // the same number of writes again: the device counters are back where the copy saw them
    await ingest(b.svc, cy, 'c2', turns('I am secretly learning the sourdough in Dublin.'));
    expect(await prisma.memorySyncChange.count({ where: { tenantId, userId: 'cy' } })).toBe(changes);
    // a's index copy still proposes the erased ids (no change bus between these replicas): the copy of rows decides
    expect(await a.ctx.index.count(cy)).toBeGreaterThan(0);
    expect((await texts(a.svc, cy, 'bagpipes Glasgow sourdough Dublin learning')).some((t) => t.includes('bagpipes'))).toBe(false);
    await a.ctx.index.invalidate(cy); // what the change bus does: the index copy is rebuilt with the new memories
    const served = await texts(a.svc, cy, 'bagpipes Glasgow sourdough Dublin learning');
    expect(served.some((t) => t.includes('bagpipes'))).toBe(false);
    expect(served.some((t) => t.includes('sourdough'))).toBe(true);
  });

  it("an expiry set on another replica (Mem0's expiration_date) and retrieval counts of this replica are seen", async () => {
    const a = replica();
    const b = replica();
    const dee = scope('dee');
    await ingest(b.svc, dee, 'd1', [{ id: 'x1', role: 'user', content: 'I am allergic to hazelnuts and almonds.', at: AT }, ...filler(10)]);
    const q = 'allergic hazelnuts almonds';
    const first = await a.svc.memories.search(dee, { query: q, limit: 5 });
    const id = first.memories[0]?.memory.id as string;
    // this replica's own retrievals count at once in its copy (the usage discount)
    const again = await a.svc.memories.search(dee, { query: q, limit: 5, record: false });
    const served = again.memories.find((m) => m.memory.id === id)?.memory as Memory;
    expect(served.retrievalCount).toBe(1);
    // the copy that carries the new count kept what was read of its text: not parsed again by the next search
    const copy = (await a.ctx.liveRows?.snapshot(dee, AT))?.pick([id], new Date('2026-04-01T00:00:00Z')).get(id) as Memory;
    const parse = parseCandidate(copy.text, isEpisode(copy), copy);
    a.ctx.liveRows?.recordRetrievals(dee, [id], new Date('2026-04-01T00:00:00Z'));
    const next = (await a.ctx.liveRows?.snapshot(dee, AT))?.pick([id], new Date('2026-04-01T00:00:00Z')).get(id) as Memory;
    expect(next).not.toBe(copy);
    expect(next.retrievalCount).toBe(copy.retrievalCount + 1);
    expect(parseCandidate(next.text, isEpisode(next), next)).toBe(parse);
    expect(await b.ctx.memories.filtered.setTimes(dee, id, { invalidAt: new Date('2026-03-20T00:00:00Z') })).toBe(true);
    expect((await a.svc.memories.search(dee, { query: q, limit: 5, record: false })).memories.map((m) => m.memory.id)).not.toContain(id);
  });

  it('a user larger than the cache is searched from Postgres as before', async () => {
    const small = replica({ liveCacheRows: 1 });
    const b = replica();
    const eve = scope('eve');
    await ingest(b.svc, eve, 'e1', [
      { id: 'y1', role: 'user', content: 'I play the harp in a folk band on Fridays.', at: AT },
      { id: 'y2', role: 'user', content: 'My cat Miso hates the vacuum cleaner.', at: AT },
      ...filler(10),
    ]);
    expect((await texts(small.svc, eve, 'harp folk band')).some((t) => t.includes('harp'))).toBe(true);
    expect((await texts(small.svc, eve, 'cat vacuum cleaner')).some((t) => t.includes('Miso'))).toBe(true);
    // counted once, never loaded: the next searches cost one version check, not a load that is thrown away
    expect(small.ctx.liveRows?.residentUsers).toBe(0);
    expect(small.ctx.liveRows?.stats).toMatchObject({ loads: 0, deltas: 0 });
  });
});
