import {
  scopeKey,
  validateItems,
  validateQuery,
  validateScope,
  VectorIndexStateError,
  type IndexItem,
  type IndexScope,
  type SearchHit,
  type SearchQuery,
  type VectorIndex,
} from '../port';
import { UserIndex, type HnswParams } from './user-index';

/** Reads one user's memories from the source of truth (Postgres) to rebuild their index. */
export type VectorIndexLoader = (scope: IndexScope) => AsyncIterable<IndexItem> | Promise<IndexItem[]>;

export interface EmbeddedVectorIndexOptions {
  /** Vector dimension, fixed for the instance. */
  dimension: number;
  /** Exact brute-force search up to this many vectors per user, HNSW beyond (default 10,000). */
  exactThreshold?: number;
  /**
   * Exact mode scans with hnswlib's native brute force from this many vectors per user (default
   * `DEFAULT_NATIVE_SCAN_MIN`, 1,000; Infinity: always the JS loop).
   */
  nativeScanMin?: number;
  /** HNSW parameters (defaults M 16, efConstruction 200, efSearch 256, rebuild at 30% deleted). */
  hnsw?: Partial<HnswParams>;
  /** Rebuilds a never-loaded or evicted user on first touch. Without it a new user starts empty. */
  loader?: VectorIndexLoader;
  /** LRU bound on resident users (requires `loader`: an evicted user must be rebuildable). */
  maxUsers?: number;
  /** LRU bound on approximate resident bytes (requires `loader`). */
  maxBytes?: number;
  /** Instance name reported by `name` (default "embedded"). */
  name?: string;
}

export interface EmbeddedIndexStats {
  residentUsers: number;
  approxBytes: number;
  loads: number;
  evictions: number;
}

export const DEFAULT_EXACT_THRESHOLD = 10_000;
/** Below it the JS scan costs < 0.7 ms at 512-d; above it the native one is ~5× cheaper (10,000 × 512: 1.3 vs 6.4 ms). */
export const DEFAULT_NATIVE_SCAN_MIN = 1_000;
export const DEFAULT_HNSW: HnswParams = { m: 16, efConstruction: 200, efSearch: 256, rebuildDeletedRatio: 0.3, randomSeed: 100 };

/**
 * In-process per-user vector index: exact cosine for small users, HNSW for large ones, BM25 for
 * the lexical side, an LRU of resident users evicting whole users, rebuilt by `loader` on touch.
 */
export class EmbeddedVectorIndex implements VectorIndex {
  readonly name: string;
  readonly dimension: number;
  private readonly exactThreshold: number;
  private readonly nativeScanMin: number;
  private readonly hnsw: HnswParams;
  private readonly loader?: VectorIndexLoader;
  private readonly maxUsers: number;
  private readonly maxBytes: number;
  /** Resident users in LRU order (Map iteration order = least recently used first). */
  private readonly users = new Map<string, UserIndex>();
  private readonly loading = new Map<string, Promise<void>>();
  /** Bumped when a user is dropped so a load that was in flight for that user is discarded. */
  private readonly epochs = new Map<string, number>();
  /** Sum of resident users' approxBytes, kept current on every operation. */
  private bytes = 0;
  private closed = false;
  private loads = 0;
  private evictions = 0;

  constructor(opts: EmbeddedVectorIndexOptions) {
    if (!Number.isInteger(opts.dimension) || opts.dimension < 1) throw new VectorIndexStateError(`dimension must be a positive integer, got ${opts.dimension}`);
    this.dimension = opts.dimension;
    this.name = opts.name ?? 'embedded';
    this.exactThreshold = opts.exactThreshold ?? DEFAULT_EXACT_THRESHOLD;
    this.nativeScanMin = opts.nativeScanMin ?? DEFAULT_NATIVE_SCAN_MIN;
    this.hnsw = { ...DEFAULT_HNSW, ...opts.hnsw };
    this.loader = opts.loader;
    this.maxUsers = opts.maxUsers ?? Infinity;
    this.maxBytes = opts.maxBytes ?? Infinity;
    if ((this.maxUsers !== Infinity || this.maxBytes !== Infinity) && !this.loader) {
      throw new VectorIndexStateError('maxUsers/maxBytes evict whole users, which needs a loader to rebuild them from the source of truth');
    }
    if (this.maxUsers < 1) throw new VectorIndexStateError(`maxUsers must be at least 1, got ${this.maxUsers}`);
  }

  async upsert(scope: IndexScope, items: IndexItem[]): Promise<void> {
    validateScope(scope);
    validateItems(items, this.dimension);
    if (!items.length) return;
    await this.withUser(scope, (u) => u.upsert(items));
  }

  async remove(scope: IndexScope, ids: string[]): Promise<void> {
    validateScope(scope);
    if (!ids.length) return;
    await this.withUser(scope, (u) => u.remove(ids));
  }

  async search(scope: IndexScope, query: SearchQuery): Promise<SearchHit[]> {
    validateScope(scope);
    validateQuery(query, this.dimension);
    return this.withUser(scope, (u) => u.search(query));
  }

  async count(scope: IndexScope): Promise<number> {
    validateScope(scope);
    return this.withUser(scope, (u) => u.size);
  }

  async deleteScope(scope: IndexScope): Promise<void> {
    validateScope(scope);
    this.assertOpen();
    this.evictUser(scope);
  }

  /** Drops the resident copy (rebuilt from the loader on next use); without a loader the index is the data, so nothing happens. */
  async invalidate(scope: IndexScope): Promise<void> {
    validateScope(scope);
    this.assertOpen();
    if (this.loader) this.evictUser(scope);
  }

  private evictUser(scope: IndexScope): void {
    const key = scopeKey(scope);
    this.bytes -= this.users.get(key)?.approxBytes ?? 0;
    this.users.delete(key);
    this.loading.delete(key);
    this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.bytes = 0;
    this.users.clear();
    this.loading.clear();
  }

  /** Whether a user is resident now (for tests and metrics). */
  isResident(scope: IndexScope): boolean {
    return this.users.has(scopeKey(scope));
  }

  /** Search mode of a resident user, or undefined. */
  modeOf(scope: IndexScope): 'exact' | 'hnsw' | undefined {
    return this.users.get(scopeKey(scope))?.mode;
  }

  stats(): EmbeddedIndexStats {
    return { residentUsers: this.users.size, approxBytes: this.bytes, loads: this.loads, evictions: this.evictions };
  }

  private assertOpen(): void {
    if (this.closed) throw new VectorIndexStateError(`${this.name}: index is closed`);
  }

  /**
   * Runs `fn` synchronously on the resident user, loading it first when needed. `fn` runs in the
   * same tick as the residency check, so an eviction can never slip in between.
   */
  private async withUser<T>(scope: IndexScope, fn: (u: UserIndex) => T): Promise<T> {
    const key = scopeKey(scope);
    for (;;) {
      this.assertOpen();
      const u = this.users.get(key);
      if (u) {
        this.users.delete(key);
        this.users.set(key, u);
        const before = u.approxBytes;
        const out = fn(u);
        this.bytes += u.approxBytes - before;
        this.evict(key);
        return out;
      }
      if (!this.loader) {
        this.users.set(key, this.newUser());
        continue;
      }
      await this.load(scope, key);
    }
  }

  private newUser(): UserIndex {
    return new UserIndex({ dimension: this.dimension, exactThreshold: this.exactThreshold, hnsw: this.hnsw, nativeScanMin: this.nativeScanMin });
  }

  /** One load per user at a time: concurrent first touches share the same promise. */
  private load(scope: IndexScope, key: string): Promise<void> {
    let p = this.loading.get(key);
    if (!p) {
      const epoch = this.epochs.get(key) ?? 0;
      p = this.readUser(scope).then(
        (u) => {
          if (this.loading.get(key) === p) this.loading.delete(key);
          if (this.closed || (this.epochs.get(key) ?? 0) !== epoch || this.users.has(key)) return;
          this.users.set(key, u);
          this.bytes += u.approxBytes;
          this.loads++;
          this.evict(key);
        },
        (err: unknown) => {
          if (this.loading.get(key) === p) this.loading.delete(key);
          throw err;
        },
      );
      this.loading.set(key, p);
    }
    return p;
  }

  private async readUser(scope: IndexScope): Promise<UserIndex> {
    const u = this.newUser();
    const source = await (this.loader as VectorIndexLoader)(scope);
    let batch: IndexItem[] = [];
    const flush = (): void => {
      validateItems(batch, this.dimension);
      u.upsert(batch);
      batch = [];
    };
    if (Array.isArray(source)) batch = source;
    else {
      for await (const item of source as AsyncIterable<IndexItem>) {
        batch.push(item);
        if (batch.length >= 1024) flush();
      }
    }
    flush();
    return u;
  }

  /** Evicts least recently used whole users (never `keep`) until both bounds hold. */
  private evict(keep: string): void {
    if (this.maxUsers === Infinity && this.maxBytes === Infinity) return;
    for (const [key, u] of this.users) {
      if (this.users.size <= this.maxUsers && this.bytes <= this.maxBytes) break;
      if (key === keep) continue;
      this.users.delete(key);
      this.bytes -= u.approxBytes;
      this.evictions++;
    }
  }
}
