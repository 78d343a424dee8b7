import type { TextEmbedder } from '@frontier/ml-ports';
import { createQueryEmbedder, QUERY_EMBEDDING_MODES, type QueryEmbeddingMode } from '@frontier/ml-embeddings';
import type { VectorIndexConfig } from './context';

/** The memory variables memory-api and memory-worker read (validated by their env classes). */
export interface MemoryIndexEnv {
  MEMORY_VECTOR_INDEX: 'embedded' | 'qdrant';
  QDRANT_URL?: string;
  QDRANT_API_KEY?: string;
  /** User-defined sharding of the Qdrant collection: shard keys (0 or unset: Qdrant's automatic sharding). The same in every app. */
  QDRANT_SHARD_KEYS?: number;
  MEMORY_RESIDENT_USERS: number;
}

/** `MEMORY_VECTOR_INDEX=embedded` (default; `MEMORY_RESIDENT_USERS` per process) or `qdrant` (`QDRANT_URL` required). */
export function memoryIndexConfig(env: MemoryIndexEnv): VectorIndexConfig {
  if (env.MEMORY_VECTOR_INDEX === 'qdrant') {
    if (!env.QDRANT_URL) throw new Error('QDRANT_URL: required when MEMORY_VECTOR_INDEX=qdrant');
    return { kind: 'qdrant', url: env.QDRANT_URL, ...(env.QDRANT_API_KEY ? { apiKey: env.QDRANT_API_KEY } : {}), ...(env.QDRANT_SHARD_KEYS ? { shardKeys: env.QDRANT_SHARD_KEYS } : {}) };
  }
  return { kind: 'embedded', residentUsers: env.MEMORY_RESIDENT_USERS };
}

/** How memory search embeds queries (`MEMORY_QUERY_EMBEDDING`, `MEMORY_QUERY_CACHE`), read with the ML_* variables. */
export interface MemoryQueryEmbeddingConfig {
  /** `static` (default with USE-lite), `model` (micro-batched + cached; default with other models) or `direct`. */
  mode?: QueryEmbeddingMode;
  /** `model` mode's LRU size. Default 10,000. */
  cacheEntries?: number;
}

/** Reads and checks the query-embedding variables; a bad value throws naming the variable. */
export function memoryQueryEmbeddingConfig(env: Record<string, string | undefined>): MemoryQueryEmbeddingConfig {
  const mode = env['MEMORY_QUERY_EMBEDDING']?.trim();
  const cache = env['MEMORY_QUERY_CACHE']?.trim();
  if (mode && !QUERY_EMBEDDING_MODES.includes(mode as QueryEmbeddingMode)) throw new Error(`MEMORY_QUERY_EMBEDDING: must be one of ${QUERY_EMBEDDING_MODES.join(', ')}, got "${mode}"`);
  if (cache && !(/^\d+$/.test(cache) && Number(cache) >= 1 && Number(cache) <= 10_000_000)) throw new Error(`MEMORY_QUERY_CACHE: must be a whole number from 1 to 10000000, got "${cache}"`);
  return { ...(mode ? { mode: mode as QueryEmbeddingMode } : {}), ...(cache ? { cacheEntries: Number(cache) } : {}) };
}

/** The query embedder memory search uses by default for `embedder` (the service's wiring; benches call it to match). */
export function memoryQueryEmbedder(embedder: TextEmbedder, env: Record<string, string | undefined> = process.env): Promise<TextEmbedder> {
  return createQueryEmbedder(embedder, memoryQueryEmbeddingConfig(env));
}
