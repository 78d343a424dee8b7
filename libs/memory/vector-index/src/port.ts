import { FrontierError, type ErrorCategory } from '@frontier/platform-util';
/**
 * The vector index port for memories. Postgres is the source of truth; an index is derived data,
 * rebuildable from it. Every operation is scoped to one user of one tenant and nothing may ever
 * return another scope's ids.
 */
export interface IndexScope {
  readonly tenantId: string;
  readonly userId: string;
}

export interface IndexItem {
  /** Our memory id (any non-empty string). */
  id: string;
  vector: Float32Array;
  /** Memory text for the lexical (BM25-style) side of hybrid search. */
  text?: string;
}

export interface SearchQuery {
  vector: Float32Array;
  /** When given, the search is hybrid: dense + lexical candidates fused by reciprocal rank. */
  text?: string;
  k: number;
  excludeIds?: string[];
}

export interface SearchHit {
  id: string;
  /** True cosine similarity of the query and the stored vector, in [-1, 1] (not a distance). */
  cosine: number;
  /** BM25-style score normalised to [0, 1] within this result set; present when the query had text. */
  lexical?: number;
}

export interface VectorIndex {
  readonly name: string;
  /** Fixed vector dimension of this index instance. */
  readonly dimension: number;
  /** Inserts or replaces (same id → update in place). */
  upsert(scope: IndexScope, items: IndexItem[]): Promise<void>;
  remove(scope: IndexScope, ids: string[]): Promise<void>;
  /** Without text: nearest first by cosine. With text: fused (RRF) order, best first. */
  search(scope: IndexScope, query: SearchQuery): Promise<SearchHit[]>;
  /** Deletes every entry of the scope from this index (data, not a cache: erasure, re-index). */
  deleteScope(scope: IndexScope): Promise<void>;
  /**
   * Another process changed this scope's source of truth: drop any copy this process holds so the
   * next use sees the change. No data is deleted; an index with nothing cached (a shared server,
   * or an embedded index with no loader to rebuild from) does nothing.
   */
  invalidate(scope: IndexScope): Promise<void>;
  count(scope: IndexScope): Promise<number>;
  close(): Promise<void>;
}

/** Base class of every error this library throws on purpose. */
export class VectorIndexError extends FrontierError {
  constructor(message: string, category: ErrorCategory = 'unavailable', field?: string) {
    super(category, 'vector_index', message, field === undefined ? {} : { field });
  }
}

/** A caller passed something invalid; `field` names it (e.g. `items[3].vector`, `query.k`). */
export class InvalidVectorInputError extends VectorIndexError {
  declare readonly field: string;
  constructor(
    field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`, 'invalid', field);
  }
}

/** A vector of the wrong length for this index. */
export class DimensionMismatchError extends InvalidVectorInputError {
  constructor(
    field: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(field, `expected dimension ${expected}, got ${actual}`);
  }
}

/** The index was misconfigured or used after close(). */
export class VectorIndexStateError extends VectorIndexError {}

/** Throws a typed error unless `v` is a Float32Array of `dim` finite values with a non-zero norm. */
export function validateVector(v: unknown, dim: number, field: string): asserts v is Float32Array {
  if (!(v instanceof Float32Array)) throw new InvalidVectorInputError(field, 'must be a Float32Array');
  if (v.length !== dim) throw new DimensionMismatchError(field, dim, v.length);
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) throw new InvalidVectorInputError(field, `value at ${i} is not finite (${x})`);
    norm += x * x;
  }
  if (norm === 0) throw new InvalidVectorInputError(field, 'zero vector has no direction (cosine undefined)');
}

export function validateScope(scope: IndexScope): void {
  if (!scope || typeof scope.tenantId !== 'string' || !scope.tenantId) throw new InvalidVectorInputError('scope.tenantId', 'must be a non-empty string');
  if (typeof scope.userId !== 'string' || !scope.userId) throw new InvalidVectorInputError('scope.userId', 'must be a non-empty string');
}

export function validateItems(items: IndexItem[], dim: number): void {
  if (!Array.isArray(items)) throw new InvalidVectorInputError('items', 'must be an array');
  items.forEach((it, i) => {
    if (typeof it?.id !== 'string' || !it.id) throw new InvalidVectorInputError(`items[${i}].id`, 'must be a non-empty string');
    validateVector(it.vector, dim, `items[${i}].vector`);
    if (it.text !== undefined && typeof it.text !== 'string') throw new InvalidVectorInputError(`items[${i}].text`, 'must be a string');
  });
}

export function validateQuery(q: SearchQuery, dim: number): void {
  validateVector(q?.vector, dim, 'query.vector');
  if (!Number.isInteger(q.k) || q.k < 1) throw new InvalidVectorInputError('query.k', `must be a positive integer, got ${q.k}`);
  if (q.text !== undefined && typeof q.text !== 'string') throw new InvalidVectorInputError('query.text', 'must be a string');
  if (q.excludeIds !== undefined && !Array.isArray(q.excludeIds)) throw new InvalidVectorInputError('query.excludeIds', 'must be an array');
}

/** Collision-free key of a scope (JSON-encoded pair, so no separator can be forged). */
export function scopeKey(scope: IndexScope): string {
  return JSON.stringify([scope.tenantId, scope.userId]);
}
