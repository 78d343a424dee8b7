import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { BiographyRepository, biographyFingerprint } from './biography.repository';
import { FORGET_COMMAND_ACTOR, forgetCommandReason, redactEvent } from './history';
import { MemoryRepository, type NewFact } from './memory.repository';
import { SessionRepository } from './session.repository';

describe('history redaction, restore and the live-facts fingerprint on real Postgres', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let memories: MemoryRepository;
  let bios: BiographyRepository;
  let tenantId: string;
  let sessionRowId: string;

  const fact = (text: string, key: string, o: Partial<NewFact> = {}): NewFact => ({
    text,
    type: 'work',
    confidence: 0.9,
    slot: 'work.employer',
    sessionRowId,
    sourceHash: 'h',
    turnIds: ['t0'],
    extractor: 'rules-v1',
    embeddingModel: 'm',
    vector: new Float32Array([1, 0]),
    candidateKey: key,
    validAt: new Date('2026-01-01T00:00:00Z'),
    ...o,
  });

  beforeAll(async () => {
    db = await createTestDatabase('memory_history');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    memories = new MemoryRepository(prisma);
    bios = new BiographyRepository(prisma);
    tenantId = (await prisma.tenant.create({ data: { name: 'history' } })).id;
    const s = await new SessionRepository(prisma).create({ tenantId, userId: 'ann' }, { externalId: 's', agentId: null, sourceHash: 'h', startedAt: new Date(), turns: [] });
    sessionRowId = s?.id ?? '';
  }, 60_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('a deleted memory keeps its events but no text, nor the forget command that names it; the superseded one loses only the deleted text', async () => {
    const ann = { tenantId, userId: 'ann' };
    const acme = await memories.createFact(ann, fact('I work at Acme', 'k1'), null);
    const at = new Date('2026-02-01T00:00:00Z');
    const globex = await memories.createFact(ann, fact('I work at Globex', 'k2'), { id: acme.id, invalidAt: at, expiredAt: at });
    const texts = async (id: string) => (await memories.history(ann, id)).map((e) => [e.event, e.previousText, e.newText, e.reason, e.actor, e.redacted]);
    expect(await texts(acme.id)).toEqual([
      ['ADD', null, 'I work at Acme', null, 'rules-v1', false],
      ['SUPERSEDE', 'I work at Acme', 'I work at Globex', `superseded by ${globex.id}`, 'rules-v1', false],
    ]);

    const deletedAt = new Date('2026-03-01T00:00:00Z');
    await memories.softDelete(ann, [globex.id], deletedAt, forgetCommandReason('D4:2', 'Please forget that I work at Globex.'), FORGET_COMMAND_ACTOR);
    expect(await texts(globex.id)).toEqual([
      ['ADD', null, null, null, 'rules-v1', true],
      ['DELETE', null, null, 'forget command in turn D4:2', 'user-command', true],
    ]);
    // superseded facts are history by design: Acme's own text stays, Globex's (deleted) goes
    expect(await texts(acme.id)).toEqual([
      ['ADD', null, 'I work at Acme', null, 'rules-v1', false],
      ['SUPERSEDE', 'I work at Acme', null, `superseded by ${globex.id}`, 'rules-v1', true],
    ]);
    // other scopes see nothing
    expect(await memories.history({ tenantId, userId: 'bob' }, globex.id)).toEqual([]);

    // the rule the service applies: who deleted it, and when
    expect(await memories.deletion(ann, acme.id)).toBeNull();
    expect(await memories.deletion({ tenantId, userId: 'bob' }, globex.id)).toBeNull();
    const d = await memories.deletion(ann, globex.id);
    expect([d?.stored.memory.id, d?.stored.memory.deletedAt?.toISOString(), d?.lastDelete?.actor, d?.stored.vector]).toEqual([globex.id, deletedAt.toISOString(), 'user-command', new Float32Array([1, 0])]);

    // restore: only while still deleted as of that moment; a RESTORE event; texts served again
    expect(await memories.restore(ann, globex.id, new Date('2026-03-01T00:00:01Z'), 'undo', 'user')).toBeNull();
    const back = await memories.restore(ann, globex.id, deletedAt, 'restored: the forget command was undone', 'user');
    expect([back?.memory.id, back?.memory.deletedAt, back?.memory.text]).toEqual([globex.id, null, 'I work at Globex']);
    expect(await memories.restore(ann, globex.id, deletedAt, 'again', 'user')).toBeNull();
    expect((await texts(globex.id)).map((e) => e.slice(0, 3))).toEqual([
      ['ADD', null, 'I work at Globex'],
      ['DELETE', null, null],
      ['RESTORE', null, null],
    ]);
    expect((await texts(acme.id))[1]).toEqual(['SUPERSEDE', 'I work at Acme', 'I work at Globex', `superseded by ${globex.id}`, 'rules-v1', false]);
  });

  it('redactEvent: only a quoted command is cut from a deleted memory\'s reason', () => {
    const e = { id: 'e', memoryId: 'm', event: 'DELETE', previousText: null, newText: null, reason: 'forget command in turn t1: "forget: that "x""', actor: 'user-command', at: new Date(0) };
    expect(redactEvent(e, { self: true, superseder: false }).reason).toBe('forget command in turn t1');
    expect(redactEvent({ ...e, reason: 'deleted by request' }, { self: true, superseder: false }).reason).toBe('deleted by request');
    expect(redactEvent({ ...e, reason: null }, { self: true, superseder: false }).reason).toBeNull();
    expect(redactEvent(e, { self: false, superseder: true })).toEqual({ ...e, redacted: false }); // not a SUPERSEDE event
    expect(redactEvent({ ...e, event: 'SUPERSEDE', previousText: 'a', newText: 'b' }, { self: false, superseder: true })).toEqual({ ...e, event: 'SUPERSEDE', previousText: 'a', newText: null, redacted: true });
  });

  it('liveFingerprint (Postgres) equals biographyFingerprint of the live facts as stored (sealed), through deletes and expiry', async () => {
    const cy = { tenantId, userId: 'cy' };
    const live = async (at: Date) => {
      const ids = (await memories.allLive(cy, at)).map((m) => m.id);
      return biographyFingerprint(await prisma.memory.findMany({ where: { id: { in: ids } }, select: { id: true, text: true } }));
    };
    const now = new Date('2026-06-01T00:00:00Z');
    expect(await bios.liveFingerprint(cy, now)).toBe(biographyFingerprint([]));
    expect(biographyFingerprint([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'); // SHA-256 of ""
    const a = await memories.createFact(cy, fact('Café ☕ in Zürich 𝄞', 'c1', { slot: null }), null);
    await memories.createFact(cy, fact('I play chess', 'c2', { slot: null }), null);
    const c = await memories.createFact(cy, fact('Line one\nline two', 'c3', { slot: null }), null);
    expect(await bios.liveFingerprint(cy, now)).toBe(await live(now));
    await memories.softDelete(cy, [a.id], now, 'by request', 'user');
    expect(await bios.liveFingerprint(cy, now)).toBe(await live(now));
    // invalid / expired from a moment on: live before it, not after
    const later = new Date('2026-07-01T00:00:00Z');
    await prisma.memory.update({ where: { id: c.id }, data: { invalidAt: later } });
    expect(await bios.liveFingerprint(cy, now)).toBe(await live(now));
    expect(await bios.liveFingerprint(cy, later)).toBe(await live(later));
    expect(await bios.liveFingerprint(cy, now)).not.toBe(await bios.liveFingerprint(cy, later));
    await prisma.memory.update({ where: { id: c.id }, data: { invalidAt: null, expiredAt: later } });
    expect(await bios.liveFingerprint(cy, later)).toBe(await live(later));
    expect(await bios.liveFingerprint(cy, now)).toBe(await live(now));
    // other users' facts do not count
    expect(await bios.liveFingerprint({ tenantId, userId: 'nobody' }, now)).toBe(biographyFingerprint([]));
  });
});
