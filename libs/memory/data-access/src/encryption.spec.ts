import { randomBytes } from 'node:crypto';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { DecryptionError, KeyDestroyedError, LocalKeyManagementService, sealedKeyId } from '@frontier/platform-crypto';
import { BiographyRepository } from './biography.repository';
import { MemoryCipher } from './cipher';
import { MemoryKeyAdmin } from './key-admin';
import { encodeVector } from './mappers';
import { MemoryRepository, type NewFact } from './memory.repository';
import { SessionRepository } from './session.repository';

// real Postgres on a shared, loaded machine: each test writes a few users' rows
jest.setTimeout(60_000);

const masters = { m1: randomBytes(32), m2: randomBytes(32) };
const kms = (ids: Array<keyof typeof masters>, current: keyof typeof masters) => new LocalKeyManagementService({ keys: new Map(ids.map((id) => [id, masters[id]])), current });

/** Every row of the memory tables as `SELECT *` returns it (what a dump or a backup holds). */
async function dump(prisma: PrismaService): Promise<Record<string, Array<Record<string, unknown>>>> {
  const out: Record<string, Array<Record<string, unknown>>> = {};
  for (const t of ['memories', 'memory_events', 'memory_turns', 'biographies', 'memory_data_keys']) {
    out[t] = await prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(`SELECT * FROM ${t} ORDER BY 1`);
  }
  return out;
}

/** Every text and byte value of a dump, as text (bytes as latin1, so a plaintext's bytes would show). */
const flatten = (d: Record<string, Array<Record<string, unknown>>>) =>
  Object.values(d)
    .flat()
    .flatMap((row) => Object.values(row))
    .map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : typeof v === 'string' ? v : JSON.stringify(v ?? null)))
    .join('\n');

describe('memory encryption at rest on real Postgres (per-user data keys, crypto-shredding, rotation)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let tenantId: string;
  let cipher: MemoryCipher;
  let memories: MemoryRepository;
  let sessions: SessionRepository;
  let bios: BiographyRepository;
  const vector = new Float32Array([0.125, -0.5, 0.75, 0.3333]);

  const fact = (sessionRowId: string, text: string, key: string, o: Partial<NewFact> = {}): NewFact => ({
    text,
    type: 'work',
    confidence: 0.9,
    slot: 'work.employer',
    sessionRowId,
    sourceHash: 'h',
    turnIds: ['t0'],
    extractor: 'rules-v1',
    embeddingModel: 'm',
    vector,
    candidateKey: key,
    validAt: new Date('2026-01-01T00:00:00Z'),
    ...o,
  });

  /** A user with a transcript, a superseded fact, an updated one, a deleted-and-restored one, history and a biography. */
  async function populate(userId: string, secret: string): Promise<string[]> {
    const scope = { tenantId, userId };
    const s = await sessions.create(scope, {
      externalId: `s-${userId}`,
      agentId: null,
      sourceHash: 'h',
      startedAt: new Date(),
      turns: [{ turnId: 't0', role: 'user', text: `I work at ${secret}Corp and I live in ${secret}ville`, speaker: null, at: null, ordinal: 0 }],
    });
    const sid = s?.id ?? '';
    const a = await memories.createFact(scope, fact(sid, `I work at ${secret}Corp`, 'a'), null);
    const b = await memories.createFact(scope, fact(sid, `I work at ${secret}Works`, 'b'), { id: a.id, invalidAt: new Date(), expiredAt: new Date() });
    const c = await memories.createFact(scope, fact(sid, `I live in ${secret}ville`, 'c', { slot: null }), null);
    await memories.update(scope, c.id, c.text, { text: `I live in ${secret}town`, vector }, 'api');
    const d = await memories.createFact(scope, fact(sid, `My cat is ${secret}paws`, 'd', { slot: null }), null);
    const at = new Date();
    await memories.softDelete(scope, [d.id], at, `forget command in turn t0: "forget ${secret}paws"`, 'user-command');
    await memories.restore(scope, d.id, at, 'restored by the user', 'api');
    await bios.save(scope, { text: `You work at ${secret}Works and live in ${secret}town.`, factCount: 2, fingerprint: 'f', generator: 'deterministic-v1', stale: false, builtAt: new Date() });
    return [a.id, b.id, c.id, d.id];
  }

  beforeAll(async () => {
    db = await createTestDatabase('memory_encryption');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    tenantId = (await prisma.tenant.create({ data: { name: 'encryption' } })).id;
    use(MemoryCipher.create(prisma, kms(['m1'], 'm1')));
  }, 60_000);

  /** The repositories `populate` writes through, over one cipher (one per process in the apps). */
  function use(c: MemoryCipher): void {
    cipher = c;
    memories = new MemoryRepository(prisma, {}, undefined, c);
    sessions = new SessionRepository(prisma, c);
    bios = new BiographyRepository(prisma, c);
  }

  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  it('stores ciphertext in every text column and the embedding; the repositories read plaintext back', async () => {
    const ids = await populate('ann', 'Zebulon');
    const all = flatten(await dump(prisma));
    expect(all).not.toMatch(/Zebulon/i);
    expect(all).not.toContain(Buffer.from(encodeVector(vector)).toString('latin1'));
    const rows = await prisma.memory.findMany({ where: { id: { in: ids } } });
    for (const r of rows) {
      expect(r.text.startsWith('fxe1:')).toBe(true);
      expect(sealedKeyId(r.text)).toMatch(/^dk-/); // the data key id is in every row
      expect(sealedKeyId(r.embedding ?? new Uint8Array())).toBe(sealedKeyId(r.text));
    }
    const scope = { tenantId, userId: 'ann' };
    // the idempotency key is a tag keyed with the user's data key (an unkeyed hash of a short fact could be guessed from a dump)
    const a = await prisma.memory.findUniqueOrThrow({ where: { id: ids[0] } });
    expect((a.metadata as { candidateKey: string }).candidateKey).toMatch(/^k1:[0-9a-f]{64}$/);
    expect((await memories.byCandidateKey(a.sessionId as string, 'a'))?.memory.id).toBe(ids[0]);
    expect(await memories.byCandidateKey(a.sessionId as string, 'zz')).toBeNull();
    expect((await memories.allLive(scope, new Date())).map((m) => m.text).sort()).toEqual(['I live in Zebulontown', 'I work at ZebulonWorks', 'My cat is Zebulonpaws']);
    expect((await memories.indexItems(scope, 'm')).every((i) => i.vector.every((x, k) => x === vector[k]))).toBe(true);
    const history = await memories.history(scope, ids[0] as string);
    expect(history.map((h) => [h.event, h.previousText, h.newText, h.reason])).toEqual([
      ['ADD', null, 'I work at ZebulonCorp', null],
      ['SUPERSEDE', 'I work at ZebulonCorp', 'I work at ZebulonWorks', `superseded by ${ids[1]}`],
    ]);
    expect((await memories.history(scope, ids[3] as string)).map((h) => h.reason)).toEqual([null, 'forget command in turn t0: "forget Zebulonpaws"', 'restored by the user']);
    const s = await prisma.memorySession.findFirstOrThrow({ where: { tenantId, userId: 'ann' } });
    expect((await sessions.withTurns(scope, s.id))?.turns[0]?.text).toBe('I work at ZebulonCorp and I live in Zebulonville');
    expect((await bios.get(scope))?.text).toBe('You work at ZebulonWorks and live in Zebulontown.');
  });

  it("crypto-shredding: rows dumped before a user's erasure cannot be decrypted after it (same process, same KMS); other users unaffected", async () => {
    await populate('bo', 'Quixotic');
    await populate('cy', 'Marmalade');
    const bo = { tenantId, userId: 'bo' };
    const before = await dump(prisma);
    const bosTexts = [
      ...(before['memories'] ?? []).filter((r) => r['user_id'] === 'bo').flatMap((r) => [r['text'] as string]),
      ...(before['memory_events'] ?? []).filter((r) => r['user_id'] === 'bo').flatMap((r) => [r['previous_text'], r['new_text'], r['reason']].filter((v): v is string => typeof v === 'string')),
      ...(before['biographies'] ?? []).filter((r) => r['user_id'] === 'bo').map((r) => r['text'] as string),
    ];
    const bosVectors = (before['memories'] ?? []).filter((r) => r['user_id'] === 'bo').map((r) => r['embedding'] as Uint8Array);
    expect(bosTexts.length).toBeGreaterThan(10);
    // readable before
    const o = await cipher.opener(bo, bosTexts);
    expect(o.text('biographies.text', (before['biographies'] ?? []).find((r) => r['user_id'] === 'bo')?.['text'] as string)).toContain('Quixotic');

    await cipher.shredUser(bo);

    expect(await prisma.memoryDataKey.count({ where: { tenantId, userId: 'bo' } })).toBe(0);
    const after = await cipher.opener(bo, [...bosTexts, ...bosVectors]);
    for (const t of bosTexts) expect(() => after.text('memories.text', t)).toThrow(KeyDestroyedError);
    for (const v of bosVectors) expect(() => after.vector(v)).toThrow(KeyDestroyedError);
    // a fresh process with the same master key cannot either: the wrapped key is gone
    const fresh = MemoryCipher.create(prisma, kms(['m1'], 'm1'));
    await expect(fresh.opener(bo, bosTexts).then((f) => f.text('memories.text', bosTexts[0] as string))).rejects.toThrow(KeyDestroyedError);
    // the other users read as before
    expect((await memories.allLive({ tenantId, userId: 'cy' }, new Date())).map((m) => m.text)).toContain('I live in Marmaladetown');
  });

  it('master-key rotation re-wraps the data keys only: ciphertexts unchanged, readable with the new master key alone', async () => {
    await populate('dee', 'Pomegranate');
    const rowsBefore = await prisma.memory.findMany({ orderBy: { id: 'asc' }, select: { id: true, text: true, embedding: true } });
    const rotating = MemoryCipher.create(prisma, kms(['m1', 'm2'], 'm2'));
    const report = await new MemoryKeyAdmin(prisma, rotating).rotateMasterKey(2);
    expect(report).toEqual({ masterKeyId: 'm2', rewrapped: await prisma.memoryDataKey.count(), skipped: 0 });
    expect(await prisma.memoryDataKey.count({ where: { masterKeyId: { not: 'm2' } } })).toBe(0);
    const rowsAfter = await prisma.memory.findMany({ orderBy: { id: 'asc' }, select: { id: true, text: true, embedding: true } });
    expect(rowsAfter).toEqual(rowsBefore); // nothing re-encrypted
    const onlyM2 = MemoryCipher.create(prisma, kms(['m2'], 'm2'));
    const dee = { tenantId, userId: 'dee' };
    expect((await new MemoryRepository(prisma, {}, undefined, onlyM2).allLive(dee, new Date())).map((m) => m.text)).toContain('I live in Pomegranatetown');
    // the old master key alone no longer opens anything
    await expect(new MemoryRepository(prisma, {}, undefined, MemoryCipher.create(prisma, kms(['m1'], 'm1'))).allLive(dee, new Date())).rejects.toThrow(/master key m2 is not configured/);
    expect(await new MemoryKeyAdmin(prisma, rotating).rotateMasterKey()).toEqual({ masterKeyId: 'm2', rewrapped: 0, skipped: 0 });
    use(rotating); // the apps restart with both keys listed, m2 current
  });

  it('a flipped byte in a stored ciphertext is a clear DecryptionError naming the column, never garbage', async () => {
    const cipher2 = MemoryCipher.create(prisma, kms(['m2'], 'm2'));
    const repo = new MemoryRepository(prisma, {}, undefined, cipher2);
    const [, b, c] = await populate('eve', 'Tamarind');
    const row = await prisma.memory.findUniqueOrThrow({ where: { id: c } });
    const bytes = Buffer.from(row.text.slice(5), 'base64');
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 0x40;
    await prisma.memory.update({ where: { id: c }, data: { text: `fxe1:${bytes.toString('base64')}` } });
    await expect(repo.find({ tenantId, userId: 'eve' }, c as string)).rejects.toThrow(DecryptionError);
    await expect(repo.find({ tenantId, userId: 'eve' }, c as string)).rejects.toThrow(/cannot decrypt memories.text: authentication failed/);
    await prisma.memory.update({ where: { id: c }, data: { text: row.text } });
    const live = await prisma.memory.findUniqueOrThrow({ where: { id: b } }); // indexed (embedding of model m)
    const emb = Buffer.from(live.embedding ?? new Uint8Array());
    emb[emb.length - 1] = (emb[emb.length - 1] ?? 0) ^ 0x01;
    await prisma.memory.update({ where: { id: b }, data: { embedding: emb } });
    await expect(repo.indexItems({ tenantId, userId: 'eve' }, 'm')).rejects.toThrow(/cannot decrypt memories.embedding/);
  });

  it("wrong user or column: another user's ciphertext (or wrapped key) moved into a row does not open", async () => {
    const cipher2 = MemoryCipher.create(prisma, kms(['m2'], 'm2'));
    const repo = new MemoryRepository(prisma, {}, undefined, cipher2);
    const [fa] = await populate('fay', 'Ultramarine');
    const [ga] = await populate('gus', 'Vermilion');
    const fays = await prisma.memory.findUniqueOrThrow({ where: { id: fa } });
    // fay's ciphertext copied into gus's row: gus's key is not the one it names
    await prisma.memory.update({ where: { id: ga }, data: { text: fays.text } });
    await expect(repo.find({ tenantId, userId: 'gus' }, ga as string).then((m) => m?.text)).rejects.toThrow(/data key dk-.* does not exist|cannot decrypt/);
    // fay's wrapped data key copied onto gus's key row: the wrap is bound to (tenant, user, key id)
    const fk = await prisma.memoryDataKey.findUniqueOrThrow({ where: { tenantId_userId: { tenantId, userId: 'fay' } } });
    await prisma.memoryDataKey.update({ where: { tenantId_userId: { tenantId, userId: 'gus' } }, data: { keyId: `${fk.keyId}-x`, wrappedKey: fk.wrappedKey } });
    const fresh = MemoryCipher.create(prisma, kms(['m2'], 'm2'));
    await expect(fresh.opener({ tenantId, userId: 'gus' }, [`fxe1:${Buffer.concat([Buffer.from([0x46, 0x58, 0x45, 0x01, fk.keyId.length + 2]), Buffer.from(`${fk.keyId}-x`)]).toString('base64')}`])).rejects.toThrow(DecryptionError);
    // same user, another column: a memory's text pasted into a transcript turn
    const fayScope = { tenantId, userId: 'fay' };
    const turn = await prisma.memoryTurn.findFirstOrThrow({ where: { session: { tenantId, userId: 'fay' } } });
    await prisma.memoryTurn.update({ where: { id: turn.id }, data: { text: fays.text } });
    await expect(new SessionRepository(prisma, cipher2).withTurns(fayScope, turn.sessionId)).rejects.toThrow(/cannot decrypt memory_turns.text: authentication failed/);
  });

  it('backfill seals rows written before encryption (plaintext stays readable until then); MEMORY_ENCRYPTION=off writes plaintext', async () => {
    const off = MemoryCipher.create(prisma, kms(['m2'], 'm2'), { seal: false });
    const plainRepo = new MemoryRepository(prisma, {}, undefined, off);
    const hal = { tenantId, userId: 'hal' };
    const s = await new SessionRepository(prisma, off).create(hal, { externalId: 'legacy', agentId: null, sourceHash: 'h', startedAt: new Date(), turns: [{ turnId: 't0', role: 'user', text: 'Legacy Kumquat turn', speaker: null, at: null, ordinal: 0 }] });
    const m = await plainRepo.createFact(hal, fact(s?.id ?? '', 'I grow Kumquat trees', 'k', { slot: null }), null);
    await new BiographyRepository(prisma, off).save(hal, { text: 'You grow Kumquat trees.', factCount: 1, fingerprint: 'f', generator: 'd', stale: false, builtAt: new Date() });
    expect(flatten(await dump(prisma))).toContain('Kumquat');
    const on = MemoryCipher.create(prisma, kms(['m2'], 'm2'));
    const repo = new MemoryRepository(prisma, {}, undefined, on);
    expect((await repo.find(hal, m.id))?.text).toBe('I grow Kumquat trees'); // legacy plaintext reads as it is
    expect((await repo.byCandidateKey(s?.id ?? '', 'k'))?.memory.id).toBe(m.id); // found under its plain key
    const report = await new MemoryKeyAdmin(prisma, on).backfill(1);
    expect(report).toEqual({ memories: 1, events: 1, turns: 1, biographies: 1 });
    expect(flatten(await dump(prisma))).not.toContain('Kumquat');
    expect((await repo.find(hal, m.id))?.text).toBe('I grow Kumquat trees');
    expect((await repo.indexItems(hal, 'm'))[0]?.vector).toEqual(vector);
    expect(((await prisma.memory.findUniqueOrThrow({ where: { id: m.id } })).metadata as { candidateKey: string }).candidateKey).toMatch(/^k1:/);
    expect((await repo.byCandidateKey(s?.id ?? '', 'k'))?.memory.id).toBe(m.id); // and under its keyed tag after the backfill
    expect((await new BiographyRepository(prisma, on).get(hal))?.text).toBe('You grow Kumquat trees.');
    expect(await new MemoryKeyAdmin(prisma, on).backfill()).toEqual({ memories: 0, events: 0, turns: 0, biographies: 0 });
  });
});
