import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { InvalidInputError } from '@frontier/platform-util';
import { KeyLimitsRepository } from './key-limits.repository';

describe('KeyLimitsRepository on a real Postgres', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let limits: KeyLimitsRepository;
  let acme: string;
  let globex: string;
  let key: string;

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_limits');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    limits = new KeyLimitsRepository(prisma);
    acme = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
    globex = (await prisma.tenant.create({ data: { name: 'globex' } })).id;
    key = (await prisma.apiKey.create({ data: { tenantId: acme, name: 'ci', prefix: 'mmlim', secretHash: 'h' } })).id;
  }, 30_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it("sets some overrides (others keep theirs), reads them, refuses another tenant's key, goes with the key", async () => {
    expect(await limits.get(key)).toBeNull();
    expect(await limits.set(acme, key, { rpm: 5, dailyBudgetUsd: 1.5 })).toEqual({ keyId: key, rpm: 5, tpm: null, dailyBudgetUsd: 1.5, monthlyBudgetUsd: null, updatedAt: expect.any(Date) });
    expect(await limits.set(acme, key, { tpm: 0, monthlyBudgetUsd: 20.123456 })).toMatchObject({ rpm: 5, tpm: 0, dailyBudgetUsd: 1.5, monthlyBudgetUsd: 20.123456 });
    expect(await limits.set(acme, key, { rpm: null })).toMatchObject({ rpm: null, tpm: 0 });
    expect(await limits.get(key)).toMatchObject({ keyId: key, rpm: null, tpm: 0, dailyBudgetUsd: 1.5, monthlyBudgetUsd: 20.123456 });

    expect(await limits.set(globex, key, { rpm: 1 })).toBeNull();
    expect(await limits.remove(globex, key)).toBe(false);
    expect((await limits.get(key))?.rpm).toBeNull();

    expect(await limits.remove(acme, key)).toBe(true);
    expect(await limits.remove(acme, key)).toBe(false);
    expect(await limits.get(key)).toBeNull();

    await limits.set(acme, key, { rpm: 9 });
    await prisma.apiKey.delete({ where: { id: key } });
    expect(await prisma.multimodalKeyLimits.count()).toBe(0);
  }, 30_000);

  it('refuses bad values naming the field', async () => {
    await expect(limits.set(acme, key, { rpm: -1 })).rejects.toMatchObject({ field: 'rpm' });
    await expect(limits.set(acme, key, { tpm: 1.5 })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(limits.set(acme, key, { dailyBudgetUsd: Number.NaN })).rejects.toMatchObject({ field: 'dailyBudgetUsd' });
    expect(await limits.get('nope')).toBeNull();
  });
});
