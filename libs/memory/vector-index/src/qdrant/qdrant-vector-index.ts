import { createHash } from 'node:crypto';
import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import { clampCos, withLexical } from '../math';
import {
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
import { bm25DocumentVector, bm25QueryVector, uuidV5 } from './sparse';

export interface QdrantVectorIndexOptions {
  dimension: number;
  /** A ready client; otherwise one is built from `url`/`apiKey`. */
  client?: QdrantClient;
  url?: string;
  apiKey?: string;
  /** One collection for every tenant and user (default "memories"). */
  collection?: string;
  /** Named vectors (defaults "dense" and "bm25"). */
  denseVector?: string;
  sparseVector?: string;
  /** Each hybrid prefetch fetches max(k × this, 20) candidates before fusion (default 4). */
  prefetchFactor?: number;
  /** Average memory length in tokens for BM25 length normalisation (default 12). */
  avgDocLength?: number;
  /** Namespace UUID for point ids (UUIDv5 of tenant, user and memory id). */
  idNamespace?: string;
  /** Per-tenant HNSW graphs (`payload_m`) instead of one global graph (`m: 0`), as Qdrant advises. */
  payloadM?: number;
  /**
   * User-defined sharding: this many shard keys (`u0` … `u<n-1>`), all of a user's points in the one
   * picked by a hash of (tenant, user), and every call names it — a search then visits one shard
   * (and its replicas) instead of every shard of the cluster. 0 (default): Qdrant's automatic
   * sharding, where point ids scatter a user over all shards. Fixed for the collection's life.
   */
  shardKeys?: number;
  name?: string;
}

export const TENANT_FIELD = 'tenant_id';
export const USER_FIELD = 'user_id';
export const MEMORY_ID_FIELD = 'memory_id';
export const DEFAULT_ID_NAMESPACE = '6f1c7a2e-3b8d-5e4f-9a01-7c2d4b6e8f10';

type Filter = Schemas['Filter'];
type ScoredPoint = Schemas['ScoredPoint'];

/**
 * Qdrant adapter: one collection, multitenancy by `tenant_id` + `user_id` keyword payload indexes
 * marked `is_tenant`, every read and delete filtered by both. Dense (cosine) + sparse BM25-style
 * (idf modifier) named vectors; hybrid search fuses both with the Query API (RRF).
 */
export class QdrantVectorIndex implements VectorIndex {
  readonly name: string;
  readonly dimension: number;
  readonly collection: string;
  private readonly client: QdrantClient;
  private readonly dense: string;
  private readonly sparse: string;
  private readonly prefetchFactor: number;
  private readonly avgDocLength: number;
  private readonly ns: string;
  private readonly payloadM: number;
  private readonly shardKeys: number;
  private ready?: Promise<void>;
  private closed = false;

  constructor(opts: QdrantVectorIndexOptions) {
    if (!Number.isInteger(opts.dimension) || opts.dimension < 1) throw new VectorIndexStateError(`dimension must be a positive integer, got ${opts.dimension}`);
    if (!opts.client && !opts.url) throw new VectorIndexStateError('QdrantVectorIndex needs `client` or `url`');
    this.dimension = opts.dimension;
    this.client = opts.client ?? new QdrantClient({ url: opts.url, apiKey: opts.apiKey, checkCompatibility: false });
    this.collection = opts.collection ?? 'memories';
    this.dense = opts.denseVector ?? 'dense';
    this.sparse = opts.sparseVector ?? 'bm25';
    this.prefetchFactor = opts.prefetchFactor ?? 4;
    this.avgDocLength = opts.avgDocLength ?? 12;
    this.ns = opts.idNamespace ?? DEFAULT_ID_NAMESPACE;
    this.payloadM = opts.payloadM ?? 16;
    this.shardKeys = opts.shardKeys ?? 0;
    if (!Number.isInteger(this.shardKeys) || this.shardKeys < 0 || this.shardKeys > 4096) {
      throw new VectorIndexStateError(`shardKeys must be a whole number from 0 to 4096, got ${opts.shardKeys}`);
    }
    this.name = opts.name ?? `qdrant:${this.collection}`;
  }

  /** Creates the collection and its tenant payload indexes when missing (idempotent, memoised). */
  ensureCollection(): Promise<void> {
    this.ready ??= this.createIfMissing().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** Deterministic Qdrant point id of one of our memory ids in a scope. */
  pointId(scope: IndexScope, id: string): string {
    return uuidV5(JSON.stringify([scope.tenantId, scope.userId, id]), this.ns);
  }

  /** The shard key holding a scope's points (`u<hash mod shardKeys>`), or null with automatic sharding. */
  shardKeyOf(scope: IndexScope): string | null {
    if (!this.shardKeys) return null;
    const h = createHash('sha256').update(JSON.stringify([scope.tenantId, scope.userId])).digest();
    return `u${h.readUInt32BE(0) % this.shardKeys}`;
  }

  async upsert(scope: IndexScope, items: IndexItem[]): Promise<void> {
    validateScope(scope);
    validateItems(items, this.dimension);
    if (!items.length) return;
    await this.open();
    const points = items.map((it) => ({
      id: this.pointId(scope, it.id),
      // upsert replaces the whole point, so an update without text also drops the old sparse vector
      vector: it.text
        ? { [this.dense]: Array.from(it.vector), [this.sparse]: bm25DocumentVector(it.text, { avgDocLength: this.avgDocLength }) }
        : { [this.dense]: Array.from(it.vector) },
      payload: { [TENANT_FIELD]: scope.tenantId, [USER_FIELD]: scope.userId, [MEMORY_ID_FIELD]: it.id },
    }));
    await this.client.upsert(this.collection, { wait: true, points, ...this.shard(scope) });
  }

  async remove(scope: IndexScope, ids: string[]): Promise<void> {
    validateScope(scope);
    if (!ids.length) return;
    await this.open();
    const filter = this.scopeFilter(scope, { has_id: ids.map((id) => this.pointId(scope, id)) });
    await this.client.delete(this.collection, { wait: true, filter, ...this.shard(scope) });
  }

  async deleteScope(scope: IndexScope): Promise<void> {
    validateScope(scope);
    await this.open();
    await this.client.delete(this.collection, { wait: true, filter: this.scopeFilter(scope), ...this.shard(scope) });
  }

  /** The collection is shared by every process and always current: nothing is cached here. */
  async invalidate(scope: IndexScope): Promise<void> {
    validateScope(scope);
  }

  async count(scope: IndexScope): Promise<number> {
    validateScope(scope);
    await this.open();
    const res = await this.client.count(this.collection, { filter: this.scopeFilter(scope), exact: true, ...this.shard(scope) });
    return res.count;
  }

  /**
   * Dense only: one Query API call, score = cosine (Cosine distance). Hybrid: one call with two
   * prefetches (dense, sparse) fused by RRF, then ONE batch of two exact queries restricted to the
   * fused ids (`has_id`) to read each hit's dense cosine and raw sparse (BM25) score — the fused
   * score is rank-based, so the cosine must come from a dense query. Costs a second round trip
   * but no vector transfer; the restricted queries are exact (`params.exact`) so cosines are true.
   */
  async search(scope: IndexScope, query: SearchQuery): Promise<SearchHit[]> {
    validateScope(scope);
    validateQuery(query, this.dimension);
    await this.open();
    const exclude = query.excludeIds?.length ? { must_not: [{ has_id: query.excludeIds.map((id) => this.pointId(scope, id)) }] } : {};
    const filter: Filter = { ...this.scopeFilter(scope), ...exclude };
    const vector = Array.from(query.vector);
    const withPayload = [MEMORY_ID_FIELD, TENANT_FIELD, USER_FIELD];
    const sparse = query.text === undefined ? null : bm25QueryVector(query.text);
    if (!sparse) {
      const res = await this.client.query(this.collection, { query: vector, using: this.dense, filter, limit: query.k, with_payload: withPayload, ...this.shard(scope) });
      return this.ownHits(scope, res.points).map(({ id, p }) => ({ id, cosine: clampCos(p.score) }));
    }
    const limit = Math.max(query.k * this.prefetchFactor, 20);
    const prefetch: Schemas['Prefetch'][] = [{ query: vector, using: this.dense, filter, limit }];
    if (sparse.indices.length) prefetch.push({ query: sparse, using: this.sparse, filter, limit });
    const fused = await this.client.query(this.collection, { prefetch, query: { fusion: 'rrf' }, filter, limit: query.k, with_payload: withPayload, ...this.shard(scope) });
    const hits = this.ownHits(scope, fused.points);
    if (!hits.length) return [];
    const only = this.scopeFilter(scope, { has_id: hits.map((h) => h.p.id) });
    const exact = { filter: only, limit: hits.length, params: { exact: true }, with_payload: false, ...this.shard(scope) };
    const searches: Schemas['QueryRequest'][] = [{ query: vector, using: this.dense, ...exact }];
    if (sparse.indices.length) searches.push({ query: sparse, using: this.sparse, ...exact });
    const [denseRes, sparseRes] = await this.client.queryBatch(this.collection, { searches });
    const cos = new Map(denseRes.points.map((p) => [String(p.id), p.score]));
    const lex = new Map((sparseRes?.points ?? []).map((p) => [String(p.id), p.score]));
    const raw = new Map(hits.map((h) => [h.id, lex.get(String(h.p.id)) ?? 0]));
    return withLexical(
      hits.map((h) => ({ id: h.id, cosine: clampCos(cos.get(String(h.p.id)) ?? 0) })),
      raw,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** `{shard_key}` for a request about `scope` with user-defined sharding; nothing otherwise. */
  private shard(scope: IndexScope): { shard_key?: string } {
    const key = this.shardKeyOf(scope);
    return key === null ? {} : { shard_key: key };
  }

  /** Must-match on both tenant keys, plus optional extra conditions. */
  private scopeFilter(scope: IndexScope, ...extra: Schemas['Condition'][]): Filter {
    return {
      must: [{ key: TENANT_FIELD, match: { value: scope.tenantId } }, { key: USER_FIELD, match: { value: scope.userId } }, ...extra],
    };
  }

  /** Maps points to our ids, dropping (defence in depth) any whose payload is not this scope's. */
  private ownHits(scope: IndexScope, points: ScoredPoint[]): Array<{ id: string; p: ScoredPoint }> {
    const out: Array<{ id: string; p: ScoredPoint }> = [];
    for (const p of points) {
      const pl = p.payload ?? {};
      if (pl[TENANT_FIELD] !== scope.tenantId || pl[USER_FIELD] !== scope.userId) continue;
      const id = pl[MEMORY_ID_FIELD];
      if (typeof id === 'string') out.push({ id, p });
    }
    return out;
  }

  private async open(): Promise<void> {
    if (this.closed) throw new VectorIndexStateError(`${this.name}: index is closed`);
    await this.ensureCollection();
  }

  private async createIfMissing(): Promise<void> {
    const { exists } = await this.client.collectionExists(this.collection);
    if (!exists) {
      try {
        await this.client.createCollection(this.collection, {
          vectors: { [this.dense]: { size: this.dimension, distance: 'Cosine' } },
          sparse_vectors: { [this.sparse]: { modifier: 'idf' } },
          hnsw_config: { m: 0, payload_m: this.payloadM },
          ...(this.shardKeys ? { sharding_method: 'custom' as const } : {}),
        });
      } catch (err) {
        // another process may have created it between our check and create: fine if it exists now
        if (!(await this.client.collectionExists(this.collection)).exists) throw err;
      }
    }
    await this.checkDimension();
    await this.ensureShardKeys();
    for (const field of [TENANT_FIELD, USER_FIELD]) {
      await this.client.createPayloadIndex(this.collection, { field_name: field, field_schema: { type: 'keyword', is_tenant: true }, wait: true });
    }
  }

  /** With user-defined sharding: the collection must be `custom`-sharded, with every key `u0` … created (idempotent). */
  private async ensureShardKeys(): Promise<void> {
    if (!this.shardKeys) return;
    const info = await this.client.getCollection(this.collection);
    const method = (info.config.params as { sharding_method?: string | null }).sharding_method ?? 'auto';
    if (method !== 'custom') throw new VectorIndexStateError(`collection "${this.collection}" uses ${method} sharding; shardKeys needs a collection created with custom sharding`);
    const have = new Set<string>();
    try {
      const listed = await this.client.listShardKeys(this.collection);
      for (const k of listed.shard_keys ?? []) have.add(String(k.key));
    } catch {
      // older servers cannot list keys: create each and accept "already exists"
    }
    for (let i = 0; i < this.shardKeys; i++) {
      const key = `u${i}`;
      if (have.has(key)) continue;
      try {
        await this.client.createShardKey(this.collection, { shard_key: key });
      } catch (err) {
        if (!/already exists/i.test(err instanceof Error ? err.message : String(err))) throw err;
      }
    }
  }

  private async checkDimension(): Promise<void> {
    const info = await this.client.getCollection(this.collection);
    const vectors = info.config.params.vectors as Record<string, { size?: number }> | undefined;
    const size = vectors?.[this.dense]?.size;
    if (size !== this.dimension) {
      throw new VectorIndexStateError(`collection "${this.collection}" has ${this.dense} size ${size ?? 'missing'}, this index expects ${this.dimension}`);
    }
  }
}
