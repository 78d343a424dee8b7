/** The memory services as the benches drive them: the shipped use cases over a context, plus Prisma for baselines. */
import { createMemoryContext, createMemoryServices, type MemoryContext, type MemoryContextConfig, type MemoryServices } from '@frontier/memory-nest';
import type { PrismaClient } from '@frontier/platform-prisma';

export interface BenchMemory {
  prisma: PrismaClient;
  ctx: MemoryContext;
  svc: MemoryServices;
}

export function createBenchMemory(c: MemoryContextConfig): BenchMemory {
  const ctx = createMemoryContext(c);
  return { prisma: c.prisma, ctx, svc: createMemoryServices(ctx) };
}
