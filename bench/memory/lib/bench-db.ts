/** A private migrated Postgres database for one bench run, dropped on close (also on Ctrl-C). */
import { createTestDatabase, PrismaService } from '@frontier/platform-prisma';
import type { TextEmbedder } from '@frontier/ml-ports';
import { createUseEmbedder, USE_DIMENSION, USE_MODEL_ID } from '@frontier/ml-embeddings';
import { diskCachedEmbedder, type DiskCachedEmbedder } from './disk-embedder';

export interface BenchDb {
  prisma: PrismaService;
  tenantId: string;
  url: string;
  close(): Promise<void>;
}

const open = new Set<BenchDb>();
let hooked = false;

export async function openBenchDb(label: string, poolSize = 10): Promise<BenchDb> {
  const db = await createTestDatabase(label);
  const prisma = new PrismaService({ databaseUrl: db.url, poolSize });
  await prisma.$connect();
  const tenantId = (await prisma.tenant.create({ data: { name: `bench-${label}` } })).id;
  const handle: BenchDb = {
    prisma,
    tenantId,
    url: db.url,
    async close() {
      open.delete(handle);
      await prisma.$disconnect();
      await db.drop();
    },
  };
  open.add(handle);
  if (!hooked) {
    hooked = true;
    process.once('SIGINT', () => {
      void Promise.allSettled([...open].map((h) => h.close())).then(() => process.exit(130));
    });
  }
  return handle;
}

/** The offline USE encoder (inline, 512-d) behind a disk cache under tmp/memory-bench/. */
export function benchEmbedder(file?: string): DiskCachedEmbedder {
  return diskCachedEmbedder(() => createUseEmbedder({ inline: true }) as Promise<TextEmbedder>, { modelId: USE_MODEL_ID, dimension: USE_DIMENSION }, file);
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}
