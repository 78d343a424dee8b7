import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { BillingRepository } from './billing.repository';
import { KeyLimitsRepository } from './key-limits.repository';
import { SpendRepository, type RejectionCount } from './spend.repository';

describe('SpendRepository on a real Postgres: refusal counters, keys with overrides, spend per key', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let spend: SpendRepository;
  let acme: string;
  let globex: string;
  let web: string;
  let batch: string;
  let other: string;
  const at = new Date('2026-10-02T10:00:00Z');
  const rej = (keyId: string, tenantId: string, day: string, reason: RejectionCount['reason'], count: number, lastAt = at): RejectionCount => ({ keyId, tenantId, day, reason, count, lastAt });

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_spend');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    spend = new SpendRepository(prisma);
    acme = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
    globex = (await prisma.tenant.create({ data: { name: 'globex' } })).id;
    web = (await prisma.apiKey.create({ data: { tenantId: acme, name: 'web', prefix: 'mmsp1', secretHash: 'h', scopes: ['multimodal:*'] } })).id;
    batch = (await prisma.apiKey.create({ data: { tenantId: acme, name: 'batch', prefix: 'mmsp2', secretHash: 'h', revokedAt: new Date() } })).id;
    other = (await prisma.apiKey.create({ data: { tenantId: globex, name: 'g', prefix: 'mmsp3', secretHash: 'h' } })).id;
  }, 30_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('adds batches to one row per key, day and reason (counts summed, the latest time kept); reads a tenant’s days from a bound, newest first', async () => {
    await spend.addRejections([rej(web, acme, '2026-10-02', 'rpm', 3), rej(web, acme, '2026-10-02', 'safety', 1), rej(web, acme, '2026-10-01', 'rpm', 2), rej(other, globex, '2026-10-02', 'rpm', 9)]);
    await spend.addRejections([rej(web, acme, '2026-10-02', 'rpm', 4, new Date('2026-10-02T11:00:00Z')), rej(web, acme, '2026-10-02', 'rpm', 1, new Date('2026-10-02T09:00:00Z'))]);
    expect(await prisma.multimodalRejection.count()).toBe(4);
    const rows = await spend.rejections(acme, '2026-10-01');
    expect(rows).toEqual([
      { keyId: web, day: '2026-10-02', reason: 'rpm', count: 8, lastAt: new Date('2026-10-02T11:00:00Z') },
      { keyId: web, day: '2026-10-02', reason: 'safety', count: 1, lastAt: at },
      { keyId: web, day: '2026-10-01', reason: 'rpm', count: 2, lastAt: at },
    ]);
    expect((await spend.rejections(acme, '2026-10-02')).map((r) => r.day)).toEqual(['2026-10-02', '2026-10-02']);
    expect(await spend.rejections(globex, '2026-10-01')).toEqual([expect.objectContaining({ keyId: other, count: 9 })]);
  });

  it('refuses a bad counter naming the field, writing nothing of the batch', async () => {
    const before = await prisma.multimodalRejection.count();
    await expect(spend.addRejections([rej(web, acme, '2026-10-03', 'rpm', 1), rej(web, acme, '2026-10-03', 'nope' as RejectionCount['reason'], 1)])).rejects.toMatchObject({ field: 'reason' });
    await expect(spend.addRejections([rej(web, acme, '2026/10/03', 'rpm', 1)])).rejects.toMatchObject({ field: 'day' });
    await expect(spend.addRejections([rej(web, acme, '2026-10-03', 'rpm', 0)])).rejects.toMatchObject({ field: 'count' });
    await expect(spend.rejections(acme, 'yesterday')).rejects.toMatchObject({ field: 'fromDay' });
    expect(await prisma.multimodalRejection.count()).toBe(before);
  });

  it('lists the tenant’s keys (revoked ones too) with their overrides, and spend since the day and the month per key', async () => {
    await new KeyLimitsRepository(prisma).set(acme, web, { rpm: 5, dailyBudgetUsd: 1.25 });
    const keys = await spend.keys(acme);
    expect(keys.map((k) => [k.name, k.revoked])).toEqual([
      ['web', false],
      ['batch', true],
    ]);
    expect(keys[0].overrides).toEqual({ rpm: 5, tpm: null, dailyBudgetUsd: 1.25, monthlyBudgetUsd: null });
    expect(keys[1].overrides).toEqual({ rpm: null, tpm: null, dailyBudgetUsd: null, monthlyBudgetUsd: null });

    const billing = new BillingRepository(prisma);
    const line = (costUsd: number) => ({ modality: 'text' as const, direction: 'input' as const, unit: 'tokens' as const, units: 10, tokens: 10, costUsd });
    await billing.insertEvent({ requestId: 's1', tenantId: acme, keyId: web, model: 'm', status: 'completed', at: '2026-10-02T08:00:00Z', lines: [line(0.5)] });
    await billing.insertEvent({ requestId: 's2', tenantId: acme, keyId: web, model: 'm', status: 'completed', at: '2026-10-01T08:00:00Z', lines: [line(0.25)] });
    await billing.insertEvent({ requestId: 's3', tenantId: acme, keyId: batch, model: 'm', status: 'completed', at: '2026-09-30T08:00:00Z', lines: [line(7)] });
    await billing.insertEvent({ requestId: 's4', tenantId: globex, keyId: other, model: 'm', status: 'completed', at: '2026-10-02T08:00:00Z', lines: [line(9)] });
    const s = await spend.spendByKey(acme, new Date('2026-10-02T00:00:00Z'), new Date('2026-10-01T00:00:00Z'));
    expect(Object.fromEntries(s)).toEqual({ [web]: { dayUsd: 0.5, monthUsd: 0.75 } });
    expect(await spend.keys('not-a-uuid')).toEqual([]);
  });
});
