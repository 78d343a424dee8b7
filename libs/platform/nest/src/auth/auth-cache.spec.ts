import { PlatformJobs } from '@frontier/platform-contracts';
import { createTestDatabase, PrismaService, type TestDatabase } from '@frontier/platform-prisma';
import type { JobQueue } from '@frontier/platform-queue';
import type { PlatformSettings } from '../settings';
import { TenancyService } from './tenancy.service';
import { QueuedUsageRecorder } from './usage.recorder';

describe('API key checks kept in process for AUTH_CACHE_MS (real Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  beforeAll(async () => {
    db = await createTestDatabase('platform_auth_cache');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.$connect();
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  const settings = (authCacheMs: number) => ({ authCacheMs }) as unknown as PlatformSettings;

  it('a key revoked in this process stops at once; revoked elsewhere, within the cache time', async () => {
    const tenancy = new TenancyService(prisma, settings(300));
    const tenant = await tenancy.createTenant('cache-a');
    const a = await tenancy.issueKey(tenant.id, 'a', ['x:*']);
    const b = await tenancy.issueKey(tenant.id, 'b', ['x:*']);
    expect(await tenancy.authenticate(a.key)).toMatchObject({ keyId: a.id });
    expect(await tenancy.authenticate(b.key)).toMatchObject({ keyId: b.id });
    // here: at once
    await tenancy.revokeKey(tenant.id, a.id);
    expect(await tenancy.authenticate(a.key)).toBeNull();
    // another process revokes b (straight in the table): trusted until the cache time runs out
    await prisma.apiKey.update({ where: { id: b.id }, data: { revokedAt: new Date() } });
    expect(await tenancy.authenticate(b.key)).toMatchObject({ keyId: b.id });
    await new Promise((r) => setTimeout(r, 350));
    expect(await tenancy.authenticate(b.key)).toBeNull();
  });

  it('AUTH_CACHE_MS=0 asks Postgres every time; a wrong secret with a known prefix is never trusted', async () => {
    const tenancy = new TenancyService(prisma, settings(0));
    const tenant = await tenancy.createTenant('cache-b');
    const k = await tenancy.issueKey(tenant.id, 'k', ['x:*']);
    expect(await tenancy.authenticate(k.key)).toMatchObject({ keyId: k.id });
    await prisma.apiKey.update({ where: { id: k.id }, data: { revokedAt: new Date() } });
    expect(await tenancy.authenticate(k.key)).toBeNull();
    const cached = new TenancyService(prisma, settings(60_000));
    const k2 = await cached.issueKey(tenant.id, 'k2', ['x:*']);
    expect(await cached.authenticate(k2.key)).not.toBeNull();
    expect(await cached.authenticate(`${k2.key.slice(0, -2)}zz`)).toBeNull();
  });
});

describe('key use recorded once per key per minute per process', () => {
  it('queues the first use of each key in a minute, and again after a failed enqueue', async () => {
    const queued: unknown[] = [];
    let fail = false;
    const enqueue = async (def: unknown, data: unknown): Promise<void> => {
      if (fail) throw new Error('redis down');
      queued.push([def, data]);
    };
    const jobs = { enqueue } as unknown as JobQueue;
    const r = new QueuedUsageRecorder(jobs);
    const t = new Date('2026-12-01T10:00:05Z');
    await r.record('k1', t);
    await r.record('k1', new Date('2026-12-01T10:00:50Z'));
    await r.record('k2', t);
    expect(queued).toHaveLength(2);
    await r.record('k1', new Date('2026-12-01T10:01:00Z'));
    expect(queued).toHaveLength(3);
    expect(queued[0]).toEqual([PlatformJobs.apiKeyUsed, { keyId: 'k1', usedAt: t.toISOString() }]);
    fail = true;
    await expect(r.record('k3', t)).rejects.toThrow('redis down');
    fail = false;
    await r.record('k3', t);
    expect(queued).toHaveLength(4);
  });
});
