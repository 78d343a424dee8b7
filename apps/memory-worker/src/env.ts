import { IsIn, IsInt, IsOptional, IsUrl, Max, Min, MinLength, IsString } from 'class-validator';
import { PlatformEnv } from '@frontier/platform-config';
import { memoryIndexConfig as fromEnv, type MemoryIndexEnv } from '@frontier/memory-nest';

export class MemoryWorkerEnv extends PlatformEnv implements MemoryIndexEnv {
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

  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY: number = 2;

  /** The reconciler (every minute, and at start) queues again sessions still unprocessed this many seconds after their last change. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  MEMORY_RECONCILE_AFTER_S: number = 120;

  /** A session the reconciler queued this many times and still unprocessed is marked failed (a re-post retries it). */
  @IsInt()
  @Min(1)
  @Max(1_000)
  MEMORY_RECONCILE_MAX_REQUEUES: number = 10;

  /** Days the cross-device sync change log keeps (compacted daily; a device whose vector is older resyncs). */
  @IsInt()
  @Min(1)
  @Max(3650)
  MEMORY_SYNC_RETENTION_DAYS: number = 30;

  /** Days a forget command stays restorable (as memory-api's); past them its soft delete is swept into the hard-delete path. */
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

export const memoryIndexConfig = (env: MemoryWorkerEnv) => fromEnv(env);
