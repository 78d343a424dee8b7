import type { TextEmbedder } from '@frontier/ml-ports';
import type { DedupThresholds, Extractor, RelevanceWeights, UsageDiscount } from '@frontier/memory-domain';
import type { VectorIndex } from '@frontier/memory-vector-index';
import type { PrismaClient } from '@frontier/platform-prisma';

/** What the memory services need; apps build it from their config (see memory-api / memory-worker). */
export interface MemoryDeps {
  prisma: PrismaClient;
  embedder: TextEmbedder;
  index: VectorIndex;
  extractor: Extractor;
  options?: MemoryOptions;
  clock?: () => Date;
}

export interface MemoryOptions {
  dedup?: DedupThresholds;
  relevance?: RelevanceWeights;
  usage?: UsageDiscount;
  /** Sessions below this many tokens (and with no command) are not extracted. Default 200. */
  minSessionTokens?: number;
  /** Per-user cap; beyond it the eviction order drops memories. Default 10,000. */
  maxMemoriesPerUser?: number;
  /** Candidates fetched from the index before re-scoring. Default 40. */
  candidatePool?: number;
}

export const now = (deps: MemoryDeps) => (deps.clock ? deps.clock() : new Date());
