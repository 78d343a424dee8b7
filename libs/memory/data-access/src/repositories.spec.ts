import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { BiographyRepository } from './biography.repository';
import { MemoryRepository } from './memory.repository';
import { SessionRepository } from './session.repository';
import { transcriptHash } from './mappers';

describe('memory repositories on real Postgres', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let memories: MemoryRepository;
  let sessions: SessionRepository;
  let bios: BiographyRepository;
  let scope: { tenantId: string; userId: string };

  beforeAll(async () => {
    db = await createTestDatabase('memory_repos');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    memories = new MemoryRepository(prisma);
    sessions = new SessionRepository(prisma);
    bios = new BiographyRepository(prisma);
    scope = { tenantId: (await prisma.tenant.create({ data: { name: 'repos' } })).id, userId: 'ann' };
  }, 60_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('stores a session once (a concurrent duplicate yields null), its facts, supersedes without loss, and soft-deletes without copying text', async () => {
    const turns = [{ turnId: 't0', role: 'user', text: 'I work at Acme', speaker: null, at: null, ordinal: 0 }];
    const s = await sessions.create(scope, { externalId: 's1', agentId: 'bot', sourceHash: transcriptHash(turns), startedAt: new Date('2026-01-01T00:00:00Z'), turns });
    expect(s?.status).toBe('received');
    expect(await sessions.create(scope, { externalId: 's1', agentId: null, sourceHash: 'x', startedAt: new Date(), turns: [] })).toBeNull();
    const withTurns = await sessions.withTurns(scope, s?.id ?? '');
    expect(withTurns?.turns.map((t) => [t.id, t.role, t.text])).toEqual([['t0', 'user', 'I work at Acme']]);
    expect(await sessions.withTurns({ ...scope, userId: 'someone-else' }, s?.id ?? '')).toBeNull();

    const fact = (text: string, key: string) => ({
      text,
      type: 'biography' as const,
      confidence: 0.9,
      slot: 'employer',
      sessionRowId: s?.id ?? '',
      sourceHash: 'h',
      turnIds: ['t0'],
      extractor: 'rules-v1',
      embeddingModel: 'm',
      vector: new Float32Array([1, 0, 0]),
      candidateKey: key,
      validAt: new Date('2026-01-01T00:00:00Z'),
    });
    const acme = await memories.createFact(scope, fact('I work at Acme', 'k1'), null);
    expect((await memories.byCandidateKey(s?.id ?? '', 'k1'))?.memory.id).toBe(acme.id);
    const at = new Date('2026-02-01T00:00:00Z');
    const globex = await memories.createFact(scope, fact('I work at Globex', 'k2'), { id: acme.id, invalidAt: at, expiredAt: at });
    expect((await memories.allLive(scope, new Date())).map((m) => m.text)).toEqual(['I work at Globex']);
    expect((await memories.page(scope, new Date(), { page: 1, pageSize: 10, includeInactive: true })).total).toBe(2);
    expect((await memories.history(scope, acme.id)).map((e) => e.event)).toEqual(['ADD', 'SUPERSEDE']);
    expect(await memories.indexItems(scope, 'm')).toEqual([{ id: globex.id, vector: new Float32Array([1, 0, 0]), text: 'I work at Globex' }]);
    expect(await memories.indexItems(scope, 'other-model')).toEqual([]);

    expect(await memories.softDelete(scope, [globex.id, '00000000-0000-4000-8000-000000000000'], new Date(), 'by request', 'user')).toEqual([globex.id]);
    expect(await memories.softDelete(scope, [globex.id], new Date(), 'again', 'user')).toEqual([]);
    const del = (await memories.history(scope, globex.id)).at(-1);
    expect([del?.event, del?.previousText, del?.newText]).toEqual(['DELETE', null, null]);
    expect(await memories.find(scope, globex.id)).toBeNull();
    expect(await memories.ownerOf(scope.tenantId, globex.id)).toBeNull();
    expect(await memories.ownerOf(scope.tenantId, globex.id, true)).toBe('ann');
    expect((await sessions.refs([s?.id, null, s?.id])).get(s?.id ?? '')).toEqual({ externalId: 's1', agentId: 'bot' });
    expect(await sessions.counts(s?.id ?? '')).toEqual({ turns: 1, memories: 1 });
  });

  it('biographies: missing, then fresh, then stale again (only users with live facts need one)', async () => {
    const past = new Date(Date.now() - 86_400_000);
    // ann's facts were all superseded or deleted above: nothing to write a biography from
    expect(await bios.usersNeedingRebuild(past)).toEqual([]);
    scope = { ...scope, userId: 'bea' };
    const s = await sessions.create(scope, { externalId: 'b1', agentId: null, sourceHash: 'h', startedAt: new Date(), turns: [] });
    await memories.createFact(scope, { text: 'I play chess', type: 'preference', confidence: 0.9, slot: null, sessionRowId: s?.id ?? '', sourceHash: 'h', turnIds: [], extractor: 'rules-v1', embeddingModel: 'm', vector: new Float32Array([0, 1]), candidateKey: 'c', validAt: new Date() }, null);
    expect(await bios.usersNeedingRebuild(past)).toEqual([scope]);
    await bios.save(scope, { text: 'You work at Acme.', factCount: 1, fingerprint: 'f', generator: 'deterministic-v1', stale: false, builtAt: new Date() });
    expect(await bios.usersNeedingRebuild(past)).toEqual([]);
    await bios.markStale(scope);
    expect((await bios.get(scope))?.stale).toBe(true);
    expect(await bios.usersNeedingRebuild(past)).toEqual([scope]);
  });
});
