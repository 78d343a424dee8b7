import { PrismaClient, PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { PrismaPg } from '@prisma/adapter-pg';
import { STAMPS_SQL, StampBatcher, type StampRow } from './live-stamp';

describe('StampBatcher (the live cache version check, one statement per event-loop turn)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let tenantId: string;
  let other: string;

  const viaPool = (): StampBatcher => new StampBatcher(async (t, u) => (await prisma.pgPool.query({ name: 'memory_live_stamps', text: STAMPS_SQL, values: [t, u] })).rows as StampRow[]);
  const device = (tenant: string, user: string, id: string, counter: number, floor = 0) =>
    prisma.$executeRawUnsafe(
      `INSERT INTO memory_sync_devices (tenant_id, user_id, device_id, counter, floor) VALUES ($1::uuid, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, user_id, device_id) DO UPDATE SET counter = EXCLUDED.counter, floor = EXCLUDED.floor`,
      tenant, user, id, counter, floor,
    );
  const change = (tenant: string, user: string, counter: number) =>
    prisma.$executeRawUnsafe(
      `INSERT INTO memory_sync_changes (tenant_id, user_id, device_id, counter, memory_ref, op, edited_at) VALUES ($1::uuid, $2, 'server', $3, 'm', 'upsert', now())`,
      tenant, user, counter,
    );

  beforeAll(async () => {
    db = await createTestDatabase('memory_live_stamp');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    tenantId = (await prisma.tenant.create({ data: { name: 'stamp' } })).id;
    other = (await prisma.tenant.create({ data: { name: 'stamp-other' } })).id;
    await device(tenantId, 'ann', 'server', 2);
    await device(tenantId, 'ann', 'phone', 5, 1);
    await change(tenantId, 'ann', 1);
    await change(tenantId, 'ann', 2);
    await device(other, 'ann', 'server', 9);
    await prisma.$executeRawUnsafe(`INSERT INTO memory_sync_keys (tenant_id, user_id, key) VALUES ($1::uuid, 'ann', '\\x0102'::bytea)`, tenantId);
  }, 60_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('answers every check of one turn from one statement, each user its own row (same user shared, other tenants apart)', async () => {
    const b = viaPool();
    const [a1, bob, a2, otherAnn] = await Promise.all([b.get(tenantId, 'ann'), b.get(tenantId, 'bob'), b.get(tenantId, 'ann'), b.get(other, 'ann')]);
    expect(b.stats).toEqual({ statements: 1, users: 3, checks: 4 });
    expect(a1).toEqual(a2);
    expect(JSON.parse(a1.devices ?? 'null')).toEqual([['phone', 5, 1], ['server', 2, 0]]);
    expect(a1.top).toMatch(/^\d+$/);
    expect(a1.inc).toBe('0cb988d042a7f28dd5fe2b55b3f5ac7a'); // md5 of bytes 01 02
    expect(a1.bio).toBeNull();
    expect(bob).toEqual({ devices: null, top: null, inc: null, bio: null });
    expect(JSON.parse(otherAnn.devices ?? 'null')).toEqual([['server', 9, 0]]);
    expect(otherAnn.top).toBeNull();
  });

  it('sends the statement after the checks were asked: a write committed before a check is in its answer', async () => {
    const b = viaPool();
    const before = await b.get(tenantId, 'cy');
    expect(before.devices).toBeNull();
    await device(tenantId, 'cy', 'server', 1);
    const after = await b.get(tenantId, 'cy');
    expect(JSON.parse(after.devices ?? 'null')).toEqual([['server', 1, 0]]);
    // checks of later turns are new statements, never answered from an earlier one
    expect(b.stats.statements).toBe(2);
    const first = b.get(tenantId, 'cy');
    await new Promise((r) => setImmediate(r));
    await device(tenantId, 'cy', 'server', 2);
    const second = await b.get(tenantId, 'cy');
    expect(JSON.parse((await first).devices ?? 'null')).toEqual([['server', 1, 0]]);
    expect(JSON.parse(second.devices ?? 'null')).toEqual([['server', 2, 0]]);
  });

  it('rejects every check of the statement when it fails (the HTTP layer answers 503 for a lost connection)', async () => {
    const b = new StampBatcher(() => Promise.reject(new Error('connection lost')));
    await expect(Promise.all([b.get(tenantId, 'ann'), b.get(tenantId, 'bob')])).rejects.toThrow('connection lost');
    const c = new StampBatcher(async () => []);
    await expect(c.get(tenantId, 'ann')).rejects.toThrow(/no row/);
  });

  it('runs on a bare PrismaClient too (raw query with array parameters), same rows', async () => {
    const bare = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) });
    try {
      const b = new StampBatcher((t, u) => bare.$queryRawUnsafe<StampRow[]>(STAMPS_SQL, t, u));
      const [ann, bob] = await Promise.all([b.get(tenantId, 'ann'), b.get(tenantId, 'bob')]);
      expect(ann).toEqual(await viaPool().get(tenantId, 'ann'));
      expect(bob).toEqual({ devices: null, top: null, inc: null, bio: null });
    } finally {
      await bare.$disconnect();
    }
  });
});
