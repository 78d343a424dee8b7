import type { ChatModel, TextEmbedder } from '@frontier/ml-ports';
import { ruleBasedExtractor, type Extractor } from '@frontier/memory-domain';
import { BiographyRepository, ErasureRepository, LiveMemoryCache, MemoryCipher, MemoryRepository, SessionRepository, TenantSettingsRepository } from '@frontier/memory-data-access';
import { EmbeddedVectorIndex, QdrantVectorIndex, type VectorIndex } from '@frontier/memory-vector-index';
import type { PrismaClient } from '@frontier/platform-prisma';
import { BiographyService } from './services/biography.service';
import type { ErasableCache } from './services/erasure-caches';
import { ErasureService } from './services/erasure.service';
import { ExportService } from './services/export.service';
import { ExtractionService } from './services/extraction.service';
import { MemoryService } from './services/memory.service';
import { ReconcilerService } from './services/reconciler.service';
import { SessionService } from './services/session.service';
import { SilentNotifier, type MemoryContext, type MemoryNotifier, type MemoryOptions } from './ports';

/** Which vector index serves memory (`MEMORY_VECTOR_INDEX`), and its settings. */
export type VectorIndexConfig =
  | { kind: 'embedded'; /** Users whose index stays resident (LRU beyond; `MEMORY_RESIDENT_USERS`). */ residentUsers: number }
  | { kind: 'qdrant'; url: string; apiKey?: string; collection?: string; /** User-defined shard keys (`QDRANT_SHARD_KEYS`; 0: automatic sharding). */ shardKeys?: number };

/**
 * The configured index. The embedded one is a per-process copy derived from Postgres (loaded per
 * user on first use, at most `residentUsers` resident); Qdrant is shared by every process.
 */
export function createVectorIndex(config: VectorIndexConfig, memories: MemoryRepository, embedder: TextEmbedder): VectorIndex {
  if (config.kind === 'qdrant') {
    const { url, apiKey, collection, shardKeys } = config;
    return new QdrantVectorIndex({ dimension: embedder.dimension, url, ...(apiKey ? { apiKey } : {}), ...(collection ? { collection } : {}), ...(shardKeys ? { shardKeys } : {}) });
  }
  return new EmbeddedVectorIndex({ dimension: embedder.dimension, loader: (scope) => memories.indexItems(scope, embedder.modelId), maxUsers: config.residentUsers });
}

export interface MemoryContextConfig {
  prisma: PrismaClient;
  embedder: TextEmbedder;
  /** Embeds search queries into `embedder`'s space; default `embedder` (see `memoryQueryEmbedder` for the service's default). */
  queryEmbedder?: TextEmbedder;
  /** Default: the rule-based offline extractor. */
  extractor?: Extractor;
  /** Default: an embedded index of at most 10,000 resident users. */
  index?: VectorIndex | VectorIndexConfig;
  /** Default: nothing happens after a change (benches, tests). */
  notifier?: MemoryNotifier;
  options?: MemoryOptions;
  clock?: () => Date;
  /** Encryption at rest. Default: {@link MemoryCipher.fromEnv} (on, `FRONTIER_MASTER_KEYS` or the dev key outside production). */
  keys?: MemoryCipher;
}

/**
 * Default of `MemoryOptions.liveCacheRows`: decrypted live memories kept per process for search
 * (~1 KB each with their index entry; 20 users of 10,000 or 2,000 of 100).
 */
export const DEFAULT_LIVE_CACHE_ROWS = 200_000;

/** Builds the memory services' context without Nest (benches, tests, other repos' scripts). */
export function createMemoryContext(c: MemoryContextConfig): MemoryContext {
  const keys = c.keys ?? MemoryCipher.fromEnv(c.prisma);
  const memories = new MemoryRepository(c.prisma, c.options?.lock, undefined, keys);
  const index = c.index && 'search' in c.index ? c.index : createVectorIndex(c.index ?? { kind: 'embedded', residentUsers: 10_000 }, memories, c.embedder);
  const sessions = new SessionRepository(c.prisma, keys);
  const liveRows = c.options?.liveCacheRows ?? DEFAULT_LIVE_CACHE_ROWS;
  return {
    memories,
    sessions,
    liveRows: liveRows > 0 ? new LiveMemoryCache(c.prisma, memories, sessions, { maxRows: liveRows }) : null,
    biographies: new BiographyRepository(c.prisma, keys),
    keys,
    erasures: Object.assign(new ErasureRepository(c.prisma, keys), { sync: memories.sync }),
    settings: new TenantSettingsRepository(c.prisma),
    embedder: c.embedder,
    ...(c.queryEmbedder ? { queryEmbedder: c.queryEmbedder } : {}),
    index,
    extractor: c.extractor ?? ruleBasedExtractor,
    notifier: c.notifier ?? new SilentNotifier(),
    options: c.options ?? {},
    clock: c.clock ?? (() => new Date()),
  };
}

/** The memory use cases over one context, without Nest (`caches`: what erasures purge beside Postgres and the index). */
export function createMemoryServices(ctx: MemoryContext, llm?: ChatModel | null, caches: ErasableCache[] = []) {
  const extraction = new ExtractionService(ctx);
  const biography = new BiographyService(ctx, llm ?? null);
  const memories = new MemoryService(ctx, extraction);
  return {
    ctx,
    sessions: new SessionService(ctx),
    extraction,
    memories,
    exports: new ExportService(ctx, memories),
    biography,
    reconciler: new ReconcilerService(ctx),
    erasure: new ErasureService(ctx, biography, caches),
  };
}

export type MemoryServices = ReturnType<typeof createMemoryServices>;
