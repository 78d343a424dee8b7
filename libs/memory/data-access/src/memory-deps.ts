import type { TextEmbedder } from '@frontier/ml-ports';
import { ruleBasedExtractor, type Extractor } from '@frontier/memory-domain';
import { EmbeddedVectorIndex, type IndexItem, type IndexScope, type VectorIndex } from '@frontier/memory-vector-index';
import type { PrismaClient } from '@frontier/platform-prisma';
import type { MemoryDeps, MemoryOptions } from './deps';
import { decodeVector, liveWhere } from './records';

/**
 * Rebuilds one user's index from Postgres (the source of truth): every live memory embedded by
 * the current embedding model. Vectors from another model are skipped (a re-embed job's work).
 */
export function postgresIndexLoader(prisma: PrismaClient, embeddingModel: string) {
  return async (scope: IndexScope): Promise<IndexItem[]> => {
    const rows = await prisma.memory.findMany({
      where: { ...liveWhere(scope), embeddingModel },
      select: { id: true, text: true, embedding: true },
    });
    return rows.flatMap((r) => {
      const vector = decodeVector(r.embedding);
      return vector ? [{ id: r.id, vector, text: r.text }] : [];
    });
  };
}

export interface MemoryDepsConfig {
  prisma: PrismaClient;
  embedder: TextEmbedder;
  extractor?: Extractor;
  /** Defaults to an embedded index loaded lazily from Postgres, at most `maxResidentUsers` users. */
  index?: VectorIndex;
  maxResidentUsers?: number;
  options?: MemoryOptions;
}

export function createMemoryDeps(c: MemoryDepsConfig): MemoryDeps {
  const index =
    c.index ??
    new EmbeddedVectorIndex({
      dimension: c.embedder.dimension,
      loader: postgresIndexLoader(c.prisma, c.embedder.modelId),
      maxUsers: c.maxResidentUsers ?? 10_000,
    });
  return { prisma: c.prisma, embedder: c.embedder, index, extractor: c.extractor ?? ruleBasedExtractor, ...(c.options ? { options: c.options } : {}) };
}

/**
 * Another process changed this user's memories: an embedded index drops its copy and reloads it
 * from Postgres on next use; a shared index (Qdrant) is already current.
 */
export async function invalidateUserIndex(index: VectorIndex, scope: IndexScope): Promise<void> {
  if (index instanceof EmbeddedVectorIndex) await index.dropScope(scope);
}
