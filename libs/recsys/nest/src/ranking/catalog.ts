import { ItemSnapshot, VectorBuffer } from '@frontier/recsys-ann';
import type { CatalogCursor, CatalogRow } from '@frontier/recsys-data-access';

/** What ranking knows of a servable item. */
export interface CatalogEntry {
  readonly id: string;
  readonly creator: string;
  readonly category: string;
  readonly createdAtMs: number;
  /** Unit vector (a view: do not keep or modify). */
  readonly vector: Float32Array;
  /** Where it is served from: the index build, or the buffer of items changed since. */
  readonly source: 'index' | 'buffer';
}

export interface RetrievalHit {
  readonly id: string;
  /** Cosine with the query. */
  readonly similarity: number;
}

/** A newer write of an item may carry an `updated_at` up to this much older than one already read (transactions committing out of order). */
export const CATCH_UP_OVERLAP_MS = 5_000;

/**
 * One tenant's servable catalogue in a serving process: the loaded index build (HNSW snapshot, or
 * none), the brute-force buffer of items changed since that build, per-category centroids of the
 * unit embeddings (the retrieval queries of a user's favourite categories), and the catch-up cursor.
 * Postgres is the truth: {@link apply} takes its rows in (updated_at, id) order, any number of times.
 */
export class TenantCatalog {
  readonly buffer: VectorBuffer;
  /** (updated_at, id) of the last row applied. */
  cursor: CatalogCursor;
  private readonly sums = new Map<string, { sum: Float64Array; count: number }>();
  /** `updated_at` (ms) of the version applied per item since the build: a re-read row already applied is skipped. */
  private readonly applied = new Map<string, number>();
  /** Items with another dimension than the catalogue's (not servable), counted for the logs. */
  skippedDimension = 0;
  /** Unit centroids computed since the category last changed. */
  private readonly centroidCache = new Map<string, Float32Array | null>();

  constructor(
    readonly tenantId: string,
    readonly dim: number,
    readonly snapshot: ItemSnapshot | null,
  ) {
    if (snapshot && snapshot.dim !== dim) throw new Error(`snapshot of ${snapshot.dim} dimensions for a ${dim}-dimensional catalogue`);
    this.buffer = new VectorBuffer(dim);
    if (snapshot) for (const [cat, s] of snapshot.categoryCentroids()) this.sums.set(cat, s);
    const wm = snapshot?.meta.watermark ? new Date(snapshot.meta.watermark).getTime() : 0;
    this.cursor = { updatedAt: new Date(Math.max(0, wm - CATCH_UP_OVERLAP_MS)), id: '' };
  }

  get buildId(): string | null {
    return this.snapshot?.meta.buildId ?? null;
  }

  get size(): number {
    return (this.snapshot?.liveCount ?? 0) + this.buffer.size;
  }

  /** Applies rows read from Postgres (any order within a call is fine; the cursor moves to the last by (updated_at, id)). */
  apply(rows: readonly CatalogRow[]): void {
    for (const row of rows) {
      const at = row.updatedAt.getTime();
      if (at > this.cursor.updatedAt.getTime() || (at === this.cursor.updatedAt.getTime() && row.id > this.cursor.id)) this.cursor = { updatedAt: row.updatedAt, id: row.id };
      if (this.applied.get(row.id) === at) continue;
      this.applied.set(row.id, at);
      this.applyOne(row);
    }
  }

  private applyOne(row: CatalogRow): void {
    const servable = row.deletedAt === null && row.embedding !== null && row.embedding.length === this.dim;
    if (row.deletedAt === null && row.embedding !== null && row.embedding.length !== this.dim) this.skippedDimension++;
    const inBuffer = this.buffer.info(row.id);
    if (!servable) {
      if (inBuffer) {
        this.addToCentroid(inBuffer.category, this.buffer.vector(row.id) as Float32Array, -1);
        this.buffer.remove(row.id);
      }
      this.removeFromSnapshot(row.id);
      return;
    }
    const label = this.snapshot?.labelOf.get(row.id);
    if (!inBuffer && label !== undefined && this.snapshot && !this.snapshot.isDeleted(label) && this.sameAsSnapshot(label, row)) return;
    if (inBuffer) this.addToCentroid(inBuffer.category, this.buffer.vector(row.id) as Float32Array, -1);
    else this.removeFromSnapshot(row.id);
    this.buffer.upsert({ id: row.id, creator: row.creator, category: row.category, vector: row.embedding as Float32Array, createdAtMs: row.createdAt.getTime() });
    this.addToCentroid(row.category, this.buffer.vector(row.id) as Float32Array, +1);
  }

  private removeFromSnapshot(id: string): void {
    const s = this.snapshot;
    const label = s?.labelOf.get(id);
    if (!s || label === undefined || s.isDeleted(label)) return;
    this.addToCentroid(s.category(label), s.vector(label), -1);
    s.remove(id);
  }

  /** The row is what the build holds (re-read in the overlap after the build's watermark). */
  private sameAsSnapshot(label: number, row: CatalogRow): boolean {
    const s = this.snapshot as ItemSnapshot;
    if (s.creator(label) !== row.creator || s.category(label) !== row.category) return false;
    const v = s.vector(label);
    const e = row.embedding as Float32Array;
    let norm = 0;
    for (let j = 0; j < this.dim; j++) norm += e[j] * e[j];
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < this.dim; j++) if (Math.abs(v[j] - e[j] / norm) > 1e-6) return false;
    return true;
  }

  private addToCentroid(category: string, v: Float32Array, sign: 1 | -1): void {
    this.centroidCache.delete(category);
    let c = this.sums.get(category);
    if (!c) this.sums.set(category, (c = { sum: new Float64Array(this.dim), count: 0 }));
    for (let j = 0; j < this.dim; j++) c.sum[j] += sign * v[j];
    c.count += sign;
    if (c.count <= 0) this.sums.delete(category);
  }

  /** The unit mean direction of a category's servable items (null when it has none). Shared: do not modify. */
  centroid(category: string): Float32Array | null {
    let v = this.centroidCache.get(category);
    if (v !== undefined) return v;
    v = null;
    const c = this.sums.get(category);
    if (c && c.count > 0) {
      let n = 0;
      for (let j = 0; j < this.dim; j++) n += c.sum[j] * c.sum[j];
      n = Math.sqrt(n);
      if (n > 0) v = Float32Array.from(c.sum, (x) => x / n);
    }
    this.centroidCache.set(category, v);
    return v;
  }

  /** A servable item, or undefined (unknown, deleted, no embedding). */
  entry(id: string): CatalogEntry | undefined {
    const b = this.buffer.info(id);
    if (b) return { ...b, vector: this.buffer.vector(id) as Float32Array, source: 'buffer' };
    const s = this.snapshot;
    const label = s?.labelOf.get(id);
    if (!s || label === undefined || s.isDeleted(label)) return undefined;
    return { id, creator: s.creator(label), category: s.category(label), createdAtMs: s.createdAtMs(label), vector: s.vector(label), source: 'index' };
  }

  /** A servable item's creator and category, written into `into` (no object a call); false when it is not servable. */
  describe(id: string, into: { creator: string; category: string }): boolean {
    const b = this.buffer.info(id);
    if (b) {
      into.creator = b.creator;
      into.category = b.category;
      return true;
    }
    const s = this.snapshot;
    const label = s?.labelOf.get(id);
    if (!s || label === undefined || s.isDeleted(label)) return false;
    into.creator = s.creator(label);
    into.category = s.category(label);
    return true;
  }

  /** Top-k by cosine from the index build (approximate) and the buffer (exact), merged. */
  search(query: Float32Array, k: number): RetrievalHit[] {
    const out: RetrievalHit[] = [];
    this.visitTopK(query, k, false, (id, similarity) => out.push({ id, similarity }));
    return out;
  }

  /** Exact top-k over everything (the brute-force baseline: no index). */
  searchExact(query: Float32Array, k: number): RetrievalHit[] {
    const out: RetrievalHit[] = [];
    this.visitTopK(query, k, true, (id, similarity) => out.push({ id, similarity }));
    return out;
  }

  // scratch of visitTopK (synchronous: one call at a time)
  private hitIds: string[] = [];
  private hitScores = new Float64Array(64);
  private hitOrder: number[] = [];
  private readonly byHit = (a: number, b: number): number => {
    const d = (this.hitScores[b] as number) - (this.hitScores[a] as number);
    if (d) return d;
    const x = this.hitIds[a] as string;
    const y = this.hitIds[b] as string;
    return x < y ? -1 : x > y ? 1 : 0;
  };

  /**
   * {@link search} (or {@link searchExact} when `exact`) handed to `visit` best first, hit by hit,
   * with no object a hit (the request path's form: a few hundred hit objects a request were garbage
   * the young generation had to copy whenever a collection caught a request in flight).
   */
  visitTopK(query: Float32Array, k: number, exact: boolean, visit: (id: string, similarity: number) => void): void {
    const s = this.snapshot;
    const a = s ? (exact ? s.exact(query, k) : s.search(query, k)) : null;
    const b = this.buffer.size ? this.buffer.topK(query, k) : null;
    const n = (a?.labels.length ?? 0) + (b?.labels.length ?? 0);
    if (this.hitScores.length < n) this.hitScores = new Float64Array(n * 2);
    const ids = this.hitIds;
    const order = this.hitOrder;
    ids.length = 0;
    order.length = 0;
    if (a && s) for (let i = 0; i < a.labels.length; i++) this.hit(s.id(a.labels[i] as number), a.scores[i] as number);
    if (b) for (let i = 0; i < b.labels.length; i++) this.hit(this.buffer.idAt(b.labels[i] as number), b.scores[i] as number);
    order.sort(this.byHit);
    const m = Math.min(k, order.length);
    for (let i = 0; i < m; i++) {
      const h = order[i] as number;
      visit(ids[h] as string, this.hitScores[h] as number);
    }
  }

  private hit(id: string, score: number): void {
    const h = this.hitIds.length;
    this.hitIds.push(id);
    this.hitScores[h] = score;
    this.hitOrder.push(h);
  }

  /** The `limit` most recently created servable items, newest first. */
  newest(limit: number): string[] {
    const pool: Array<[string, number]> = [];
    for (const e of this.buffer.entries()) pool.push([e.id, e.createdAtMs]);
    const s = this.snapshot;
    if (s) {
      // the build's rows are in (updated_at, id) order: scan from the end, keeping a bounded pool
      const want = limit * 4;
      let seen = 0;
      for (let l = s.count - 1; l >= 0 && seen < want; l--) {
        if (s.isDeleted(l)) continue;
        pool.push([s.id(l), s.createdAtMs(l)]);
        seen++;
      }
    }
    pool.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return pool.slice(0, limit).map(([id]) => id);
  }
}
