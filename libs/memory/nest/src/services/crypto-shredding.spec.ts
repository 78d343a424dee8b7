import type { MemoryScope } from '@frontier/memory-contracts';
import { MemoryCipher, type SealedColumn } from '@frontier/memory-data-access';
import { turnObservationExtractor } from '@frontier/memory-domain';
import { KeyDestroyedError } from '@frontier/platform-crypto';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, type TestDatabase } from '@frontier/platform-testing';
import { createMemoryContext, createMemoryServices, type MemoryServices } from '../context';
import type { MemoryContext } from '../ports';
import { HashingEmbedder } from './erasure.spec-helper';

type Row = Record<string, unknown>;
/** What a backup holds: `SELECT *` copies of the user's rows in every table with their text. */
async function dumpUser(prisma: PrismaService, s: MemoryScope): Promise<Record<string, Row[]>> {
  const where = `tenant_id = '${s.tenantId}'::uuid AND user_id = '${s.userId}'`;
  return {
    memories: await prisma.$queryRawUnsafe<Row[]>(`SELECT * FROM memories WHERE ${where}`),
    memory_events: await prisma.$queryRawUnsafe<Row[]>(`SELECT * FROM memory_events WHERE ${where}`),
    memory_turns: await prisma.$queryRawUnsafe<Row[]>(`SELECT t.* FROM memory_turns t JOIN memory_sessions s ON s.id = t.session_id WHERE s.${where.replace('AND user_id', 'AND s.user_id')}`),
    biographies: await prisma.$queryRawUnsafe<Row[]>(`SELECT * FROM biographies WHERE ${where}`),
  };
}

/** Every sealed value of a dump, with the column it came from. */
function sealedValues(d: Record<string, Row[]>): Array<{ column: SealedColumn; value: string | Uint8Array }> {
  const out: Array<{ column: SealedColumn; value: string | Uint8Array }> = [];
  const add = (column: SealedColumn, v: unknown) => {
    if (typeof v === 'string' || v instanceof Uint8Array) out.push({ column, value: v });
  };
  for (const r of d['memories'] ?? []) {
    add('memories.text', r['text']);
    add('memories.embedding', r['embedding']);
  }
  for (const r of d['memory_events'] ?? []) {
    add('memory_events.previous_text', r['previous_text']);
    add('memory_events.new_text', r['new_text']);
    add('memory_events.reason', r['reason']);
  }
  for (const r of d['memory_turns'] ?? []) add('memory_turns.text', r['text']);
  for (const r of d['biographies'] ?? []) add('biographies.text', r['text']);
  return out;
}

describe('crypto-shredding through whole-user erasure (real Postgres; the index is the embedded one, no Qdrant)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let tenantId: string;
  let ctx: MemoryContext;
  let svc: MemoryServices;
  const scope = (userId: string): MemoryScope => ({ tenantId, userId });

  beforeAll(async () => {
    db = await createTestDatabase('memory_shredding');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    tenantId = (await prisma.tenant.create({ data: { name: 'shredding' } })).id;
    // the shipped default: encryption on, the process's KMS from the environment (the dev master key here)
    ctx = createMemoryContext({ prisma, embedder: new HashingEmbedder(), extractor: turnObservationExtractor, options: { minSessionTokens: 0 } });
    svc = createMemoryServices(ctx);
  }, 60_000);

  afterAll(async () => {
    await ctx?.index.close();
    await prisma?.onModuleDestroy();
    await db?.drop();
  });

  const ingest = async (user: string, sessionId: string, contents: string[]) => {
    const s = await svc.sessions.store(scope(user), { sessionId, turns: contents.map((content) => ({ role: 'user' as const, content })) });
    await svc.extraction.process(scope(user), s.id);
  };

  it("rows dumped before a user's erasure cannot be decrypted after it, with the same process's KMS and key ring or a fresh one", async () => {
    for (const user of ['alice', 'bob']) {
      await ingest(user, 's1', [`I work at ${user === 'alice' ? 'Zanzibar' : 'Yonder'} Labs as a glassblower and I love it`, 'My sister lives in Reykjavik and we talk every Sunday']);
      await ingest(user, 's2', ['Actually I moved to Tromso last spring, the winters are long and dark']);
      await svc.biography.rebuild(scope(user), true);
    }
    const alice = scope('alice');
    const dump = await dumpUser(prisma, alice);
    const values = sealedValues(dump);
    expect(dump['memories']?.length).toBeGreaterThan(2);
    expect(dump['memory_turns']?.length).toBe(3);
    expect(dump['biographies']?.length).toBe(1);
    expect(JSON.stringify(values.map((v) => (typeof v.value === 'string' ? v.value : '')))).not.toContain('Zanzibar');
    // readable before: every dumped value opens with the process's key ring
    const before = await ctx.keys.opener(alice, values.map((v) => v.value));
    const opened = values.map((v) => (typeof v.value === 'string' ? before.text(v.column, v.value) : before.vector(v.value)));
    expect(opened.some((t) => typeof t === 'string' && t.includes('Zanzibar'))).toBe(true);

    const ticket = await svc.erasure.eraseUser(alice);
    const report = await svc.erasure.process(ticket.id);
    expect(report.steps.map((s) => s.store)).toContain('data-key');
    expect(report.steps.at(-1)?.store).toBe('data-key'); // the key goes last
    expect(await prisma.memoryDataKey.count({ where: { tenantId, userId: 'alice' } })).toBe(0);

    // the same process, the same KMS, the same key ring: nothing of the dump opens
    const after = await ctx.keys.opener(alice, values.map((v) => v.value));
    for (const v of values) {
      expect(() => (typeof v.value === 'string' ? after.text(v.column, v.value) : after.vector(v.value))).toThrow(KeyDestroyedError);
    }
    // a fresh process with the same master key: neither
    const fresh = await MemoryCipher.fromEnv(prisma).opener(alice, values.map((v) => v.value));
    for (const v of values) expect(() => (typeof v.value === 'string' ? fresh.text(v.column, v.value) : fresh.vector(v.value))).toThrow(KeyDestroyedError);
    // restoring the dumped rows (a backup put back) serves nothing readable either
    const m = dump['memories']?.[0] as Row;
    await prisma.memory.create({ data: { id: m['id'] as string, tenantId, userId: 'alice', text: m['text'] as string, type: m['type'] as string, confidence: m['confidence'] as number, sourceHash: 'restored', extractor: 'backup', validAt: new Date() } });
    await expect(svc.memories.list(alice)).rejects.toThrow(KeyDestroyedError);

    // bob is untouched; alice coming back gets a new key, and the old dump still does not open
    expect((await svc.memories.list(scope('bob'))).items.map((v) => v.memory.text).join(' ')).toContain('Yonder');
    await prisma.memory.delete({ where: { id: m['id'] as string } });
    await ingest('alice', 's3', ['I work at Elsewhere Inc as a baker now and I like the early mornings']);
    expect((await svc.memories.list(alice)).items.map((v) => v.memory.text).join(' ')).toContain('Elsewhere');
    const again = await ctx.keys.opener(alice, values.map((v) => v.value));
    for (const v of values) expect(() => (typeof v.value === 'string' ? again.text(v.column, v.value) : again.vector(v.value))).toThrow(KeyDestroyedError);
  }, 120_000);
});
