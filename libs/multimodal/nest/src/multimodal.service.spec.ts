import { MultimodalJobs } from '@frontier/multimodal-contracts';
import { MultimodalItemRepository } from '@frontier/multimodal-data-access';
import { PrismaService, createTestDatabase, type TestDatabase } from '@frontier/platform-prisma';
import type { JobQueue } from '@frontier/platform-queue';
import { InvalidInputError, NotFoundError } from '@frontier/platform-util';
import { MultimodalService } from './multimodal.service';

describe('MultimodalService (real Postgres, recorded queue)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let service: MultimodalService;
  let tenantId: string;
  const queued: Array<{ name: string; data: unknown }> = [];

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_service');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    const jobs = { enqueue: async (job: { name: string }, data: unknown) => void queued.push({ name: job.name, data }) } as unknown as JobQueue;
    service = new MultimodalService(new MultimodalItemRepository(prisma), jobs);
    tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
  }, 30_000);

  afterAll(async () => {
    await prisma.onModuleDestroy();
    await db.drop();
  });

  it('creates an item with a normalized title and queues its processing', async () => {
    const item = await service.create(tenantId, '  First   item ');
    expect(item.title).toBe('First item');
    expect(queued).toEqual([{ name: MultimodalJobs.processItem.name, data: { tenantId, itemId: item.id } }]);
    expect((await service.process(tenantId, item.id))?.processedAt).toBeInstanceOf(Date);
    expect((await service.get(tenantId, item.id)).processedAt).toBeInstanceOf(Date);
  }, 30_000);

  it('refuses a blank title (nothing stored or queued) and answers not found for an unknown id', async () => {
    queued.length = 0;
    await expect(service.create(tenantId, '   ')).rejects.toBeInstanceOf(InvalidInputError);
    expect(queued).toEqual([]);
    await expect(service.get(tenantId, '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  }, 30_000);
});
