import { IsIn, IsInt, IsOptional, IsUrl, Max, Min, MinLength, IsString } from 'class-validator';
import { HttpEnv } from '@frontier/platform-config';
import { memoryIndexConfig as fromEnv, type MemoryIndexEnv } from '@frontier/memory-nest';

export class MemoryApiEnv extends HttpEnv implements MemoryIndexEnv {
  /** `embedded` (in-process, derived from Postgres) or `qdrant` (shared cluster at QDRANT_URL). */
  @IsIn(['embedded', 'qdrant'])
  MEMORY_VECTOR_INDEX: 'embedded' | 'qdrant' = 'embedded';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  QDRANT_URL?: string;

  @IsOptional()
  @IsString()
  QDRANT_API_KEY?: string;

  /** Qdrant user-defined sharding: shard keys of the collection (0: automatic sharding). Must match across memory-api and memory-worker. */
  @IsInt()
  @Min(0)
  @Max(4096)
  QDRANT_SHARD_KEYS: number = 0;

  /** Users whose embedded index stays resident in this process (LRU beyond). */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MEMORY_RESIDENT_USERS: number = 10_000;

  /**
   * Live memories (decrypted) search keeps per process across users, checked against Postgres's
   * sync version on every search; 0 reads and decrypts candidates per search. Default 200,000.
   */
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  MEMORY_LIVE_CACHE_ROWS: number = 200_000;

  /**
   * HTTP worker processes on this machine (node:cluster behind one port; each a whole memory-api
   * with its own index and live-row cache: ~530 MB resident each with the search bench's 6 LoCoMo
   * users, plus ~200 MB for the primary, against ~570 MB for one process): 1 = this process serves
   * (no cluster), 0 = one per CPU core. Default 1: on the shared 2-core machine a second worker
   * gained nothing (docs/benchmarks/memory-search-load.md); a deployment with idle cores sets it.
   */
  @IsInt()
  @Min(0)
  @Max(64)
  MEMORY_API_WORKERS: number = 1;

  /** V8's young generation per worker (`--max-semi-space-size`, MB) when workers > 1; 0 = V8's default. */
  @IsInt()
  @Min(0)
  @Max(256)
  MEMORY_API_SEMI_SPACE_MB: number = 0;

  /** Days a memory deleted by a forget command can be restored (`POST /v1/memories/:id/restore`). */
  @IsInt()
  @Min(0)
  @Max(3650)
  MEMORY_RESTORE_GRACE_DAYS: number = 7;

  /** Secret of erasure's keyed hashes (erasure records' user, erased facts' tombstones); the same in memory-api and memory-worker. Default: a development key. */
  @IsOptional()
  @IsString()
  @MinLength(16)
  MEMORY_ERASURE_KEY?: string;
}

export const memoryIndexConfig = (env: MemoryApiEnv) => fromEnv(env);
