import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import { MultimodalItemRepository } from './item.repository';

describe('MultimodalItemRepository on a real Postgres', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let items: MultimodalItemRepository;

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_items');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    items = new MultimodalItemRepository(prisma);
  }, 30_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('stores, reads per tenant, marks processed once, and goes with its tenant', async () => {
    const acme = await prisma.tenant.create({ data: { name: 'acme' } });
    const globex = await prisma.tenant.create({ data: { name: 'globex' } });
    const item = await items.create(acme.id, 'First');
    expect(item).toEqual({ id: expect.any(String), tenantId: acme.id, title: 'First', createdAt: expect.any(Date), processedAt: null });
    expect(await items.get(acme.id, item.id)).toEqual(item);
    expect(await items.get(globex.id, item.id)).toBeNull();

    const at = new Date('2026-01-02T03:04:05.678Z');
    expect((await items.markProcessed(acme.id, item.id, at))?.processedAt).toEqual(at);
    expect((await items.markProcessed(acme.id, item.id, new Date()))?.processedAt).toEqual(at);
    expect(await items.markProcessed(globex.id, item.id)).toBeNull();

    await prisma.tenant.delete({ where: { id: acme.id } });
    expect(await prisma.multimodalItem.count()).toBe(0);
  }, 30_000);
});
