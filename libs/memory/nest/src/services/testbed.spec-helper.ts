/** A memory test bed for suites on real Postgres: a private migrated database, a tenant, the services over the hashing embedder. */
import { afterAll, beforeAll, jest } from '@jest/globals';
import { createTestDatabase, PrismaService, type TestDatabase } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import { createMemoryContext, createMemoryServices, type MemoryServices } from '../context';
import type { MemoryContext, MemoryOptions } from '../ports';
import { HashingEmbedder } from './erasure.spec-helper';
import type { TurnInput } from './session.service';

export interface MemoryTestBed {
  db: TestDatabase;
  prisma: PrismaService;
  ctx: MemoryContext;
  svc: MemoryServices;
  tenantId: string;
  scope(userId: string): MemoryScope;
}

/** Registers beforeAll/afterAll: the bed's fields are set once the suite's tests run. */
export function memoryTestBed(label: string, o: { clock?: () => Date; options?: MemoryOptions } = {}): MemoryTestBed {
  const bed = { scope: (userId: string): MemoryScope => ({ tenantId: bed.tenantId, userId }) } as MemoryTestBed;
  jest.setTimeout(60_000); // a shared, loaded machine: the suite's tests, not only the set-up
  beforeAll(async () => {
    bed.db = await createTestDatabase(`memory_${label}`);
    bed.prisma = new PrismaService({ databaseUrl: bed.db.url });
    await bed.prisma.onModuleInit();
    bed.ctx = createMemoryContext({ prisma: bed.prisma, embedder: new HashingEmbedder(), ...(o.clock ? { clock: o.clock } : {}), ...(o.options ? { options: o.options } : {}) });
    bed.svc = createMemoryServices(bed.ctx);
    bed.tenantId = (await bed.prisma.tenant.create({ data: { name: label } })).id;
  }, 60_000);
  afterAll(async () => {
    await bed.ctx?.index.close();
    await bed.prisma?.onModuleDestroy();
    await bed.db?.drop();
  });
  return bed;
}

/** Assistant turns that make a session long enough to be extracted. */
export const filler = (n: number): TurnInput[] =>
  Array.from({ length: n }, (_, i) => ({ id: `f${i}`, role: 'assistant' as const, content: 'That sounds lovely, tell me more about how your week went and what you are planning next.' }));
