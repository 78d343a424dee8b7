import { BruteforceSearch, HierarchicalNSW } from 'hnswlib-node';
import { Bm25Index } from '@frontier/memory-domain';
import { clampCos, dotRow, fuseHybrid, normalizeInto, normalized, TopK } from '../math';
import type { IndexItem, SearchHit, SearchQuery } from '../port';

export interface HnswParams {
  /** Graph degree (hnswlib `M`). */
  m: number;
  efConstruction: number;
  /** Search beam width; raised to k when k is larger. */
  efSearch: number;
  /** Rebuild the graph when marked-deleted nodes exceed this fraction of live ones. */
  rebuildDeletedRatio: number;
  randomSeed: number;
}

export interface UserIndexOptions {
  dimension: number;
  exactThreshold: number;
  hnsw: HnswParams;
  /**
   * Exact mode from this many vectors on scans with hnswlib's native brute force (the same exact
   * answer, ~5× less CPU than the JS loop at 10,000 × 512: 1.3 vs 6.4 ms), the rows kept beside it.
   */
  nativeScanMin: number;
}

/** Rough per-entry overhead of the id maps, slot arrays and BM25 postings (bytes). */
const ENTRY_OVERHEAD = 160;

/**
 * One user's vectors: an exact row-major Float32 matrix of unit rows while the user holds at most
 * `exactThreshold` vectors, an hnswlib graph (cosine space) beyond; plus a BM25 index of texts.
 */
export class UserIndex {
  private readonly dim: number;
  /** Exact mode: id ↔ row (rows kept dense by swap-remove). */
  private rows = new Float32Array(0);
  private rowIds: string[] = [];
  private readonly rowOf = new Map<string, number>();
  /** HNSW mode: id ↔ label; labels are never reused until a rebuild. */
  private hnsw: HierarchicalNSW | null = null;
  private readonly labelOf = new Map<string, number>();
  private labelIds: Array<string | undefined> = [];
  private deleted = 0;
  /** Exact mode at scale ({@link UserIndexOptions.nativeScanMin}): stable labels ↔ ids. */
  private scan: BruteforceSearch | null = null;
  private readonly scanLabelOf = new Map<string, number>();
  private scanIds: Array<string | undefined> = [];
  private readonly bm25 = new Bm25Index();

  constructor(private readonly opts: UserIndexOptions) {
    this.dim = opts.dimension;
  }

  get size(): number {
    return this.hnsw ? this.labelOf.size : this.rowIds.length;
  }

  get mode(): 'exact' | 'hnsw' {
    return this.hnsw ? 'hnsw' : 'exact';
  }

  /** Approximate resident bytes (vectors, graph links, maps, postings). */
  get approxBytes(): number {
    if (!this.hnsw) return this.rows.byteLength + this.rowIds.length * ENTRY_OVERHEAD + (this.scan ? this.scan.getMaxElements() * (this.dim * 4 + 16) : 0);
    const perNode = this.dim * 4 + this.opts.hnsw.m * 2 * 4 + 64;
    return this.hnsw.getMaxElements() * perNode + this.labelOf.size * ENTRY_OVERHEAD;
  }

  has(id: string): boolean {
    return this.hnsw ? this.labelOf.has(id) : this.rowOf.has(id);
  }

  upsert(items: IndexItem[]): void {
    for (const it of items) {
      if (this.hnsw) this.hnswPut(it.id, normalized(it.vector));
      else this.exactPut(it.id, it.vector);
      if (it.text) this.bm25.add(it.id, it.text);
      else this.bm25.remove(it.id);
    }
    if (!this.hnsw && this.rowIds.length > this.opts.exactThreshold) this.toHnsw();
    this.syncScan();
  }

  remove(ids: string[]): void {
    for (const id of ids) {
      this.bm25.remove(id);
      if (this.hnsw) {
        const label = this.labelOf.get(id);
        if (label === undefined) continue;
        this.hnsw.markDelete(label);
        this.labelOf.delete(id);
        this.labelIds[label] = undefined;
        this.deleted++;
      } else {
        this.exactDelete(id);
      }
    }
    if (this.hnsw && this.deleted > this.opts.hnsw.rebuildDeletedRatio * Math.max(1, this.labelOf.size)) this.rebuild();
    this.syncScan();
  }

  search(query: SearchQuery): SearchHit[] {
    const q = normalized(query.vector);
    const exclude = new Set(query.excludeIds ?? []);
    const dense = this.hnsw ? this.hnswSearch(q, query.k, exclude) : this.exactSearch(q, query.k, exclude);
    if (query.text === undefined) return dense;
    const lexical = this.bm25.search(query.text, query.k + exclude.size).filter((h) => !exclude.has(h.id)).slice(0, query.k);
    const cos = new Map(dense.map((h) => [h.id, h.cosine]));
    return fuseHybrid(
      dense.map((h) => h.id),
      lexical,
      query.k,
      (id) => cos.get(id) ?? this.cosineOf(q, id),
    );
  }

  /** Every live (id, unit vector) pair; used to rebuild and to switch modes. */
  *entries(): Generator<[string, Float32Array]> {
    if (this.hnsw) {
      for (const [id, label] of this.labelOf) yield [id, Float32Array.from(this.hnsw.getPoint(label))];
    } else {
      for (let r = 0; r < this.rowIds.length; r++) yield [this.rowIds[r], this.rows.subarray(r * this.dim, (r + 1) * this.dim)];
    }
  }

  // --- exact mode -------------------------------------------------------------------------

  private exactPut(id: string, v: Float32Array): void {
    let r = this.rowOf.get(id);
    if (r === undefined) {
      r = this.rowIds.length;
      if ((r + 1) * this.dim > this.rows.length) {
        const grown = new Float32Array(Math.max(16, r * 2) * this.dim);
        grown.set(this.rows);
        this.rows = grown;
      }
      this.rowIds.push(id);
      this.rowOf.set(id, r);
    }
    normalizeInto(v, this.rows, r * this.dim);
    if (this.scan) this.scanPut(id, r);
  }

  private exactDelete(id: string): void {
    const r = this.rowOf.get(id);
    if (r === undefined) return;
    const label = this.scanLabelOf.get(id);
    if (this.scan && label !== undefined) {
      this.scan.removePoint(label);
      this.scanLabelOf.delete(id);
      this.scanIds[label] = undefined;
    }
    const last = this.rowIds.length - 1;
    if (r !== last) {
      this.rows.copyWithin(r * this.dim, last * this.dim, (last + 1) * this.dim);
      const moved = this.rowIds[last];
      this.rowIds[r] = moved;
      this.rowOf.set(moved, r);
    }
    this.rowIds.pop();
    this.rowOf.delete(id);
    if (this.rows.length > 64 * this.dim && this.rowIds.length * 4 * this.dim < this.rows.length) {
      this.rows = this.rows.slice(0, this.rows.length / 2);
    }
  }

  private exactSearch(q: Float32Array, k: number, exclude: Set<string>): SearchHit[] {
    if (this.scan && !exclude.size) return this.nativeScan(q, k);
    const n = this.rowIds.length;
    const top = new TopK(Math.min(k, n));
    for (let r = 0; r < n; r++) {
      const s = dotRow(q, this.rows, r);
      if (s <= top.worst) continue;
      if (exclude.size && exclude.has(this.rowIds[r])) continue;
      top.push(s, r);
    }
    return top.keys.map((r, i) => ({ id: this.rowIds[r], cosine: clampCos(top.scores[i]) }));
  }

  // --- exact mode, native scan -------------------------------------------------------------

  /** Keeps the native scan while in exact mode with enough rows (dropped below half the minimum: no flapping). */
  private syncScan(): void {
    const min = this.opts.nativeScanMin;
    if (this.hnsw || this.rowIds.length < min / 2) this.dropScan();
    else if (!this.scan && this.rowIds.length >= min) this.buildScan();
  }

  private dropScan(): void {
    this.scan = null;
    this.scanLabelOf.clear();
    this.scanIds = [];
  }

  /** A fresh scan of every row (labels 0…n−1), with room to grow by half. */
  private buildScan(): void {
    const n = this.rowIds.length;
    const scan = new BruteforceSearch('ip', this.dim);
    scan.initIndex(Math.max(1024, Math.ceil(n * 1.5)));
    this.dropScan();
    this.scan = scan;
    for (let r = 0; r < n; r++) {
      const id = this.rowIds[r];
      this.scanLabelOf.set(id, r);
      this.scanIds.push(id);
      scan.addPoint(Array.from(this.rows.subarray(r * this.dim, (r + 1) * this.dim)), r);
    }
  }

  private scanPut(id: string, row: number): void {
    const scan = this.scan as BruteforceSearch;
    let label = this.scanLabelOf.get(id);
    if (label === undefined) {
      // full (no resize in hnswlib's brute force), or labels used up by churn: rebuilt with this row in it
      if (scan.getCurrentCount() >= scan.getMaxElements() || this.scanIds.length >= 4 * scan.getMaxElements()) {
        this.buildScan();
        return;
      }
      label = this.scanIds.length;
      this.scanIds.push(id);
      this.scanLabelOf.set(id, label);
    }
    scan.addPoint(Array.from(this.rows.subarray(row * this.dim, (row + 1) * this.dim)), label);
  }

  /** Inner product on unit rows (hnswlib's `ip` distance is 1 − dot), nearest first. */
  private nativeScan(q: Float32Array, k: number): SearchHit[] {
    const scan = this.scan as BruteforceSearch;
    const want = Math.min(k, scan.getCurrentCount());
    if (want === 0) return [];
    const res = scan.searchKnn(Array.from(q), want);
    const hits: SearchHit[] = [];
    for (let i = 0; i < res.neighbors.length; i++) {
      const id = this.scanIds[res.neighbors[i]];
      if (id !== undefined) hits.push({ id, cosine: clampCos(1 - res.distances[i]) });
    }
    return hits.sort((a, b) => b.cosine - a.cosine);
  }

  // --- HNSW mode --------------------------------------------------------------------------

  private newGraph(capacity: number): HierarchicalNSW {
    const { m, efConstruction, randomSeed } = this.opts.hnsw;
    const g = new HierarchicalNSW('cosine', this.dim);
    g.initIndex(capacity, m, efConstruction, randomSeed);
    return g;
  }

  private toHnsw(): void {
    const live = [...this.entries()].map(([id, v]) => [id, Float32Array.from(v)] as const);
    this.hnsw = this.newGraph(Math.max(1024, Math.ceil(live.length * 1.5)));
    this.labelOf.clear();
    this.labelIds = [];
    this.deleted = 0;
    for (const [id, v] of live) this.hnswPut(id, v);
    this.rows = new Float32Array(0);
    this.rowIds = [];
    this.rowOf.clear();
  }

  private hnswPut(id: string, unit: Float32Array): void {
    const g = this.hnsw as HierarchicalNSW;
    let label = this.labelOf.get(id);
    if (label === undefined) {
      label = this.labelIds.length;
      if (label >= g.getMaxElements()) g.resizeIndex(Math.ceil(g.getMaxElements() * 1.5) + 16);
      this.labelIds.push(id);
      this.labelOf.set(id, label);
    }
    g.addPoint(Array.from(unit), label);
  }

  /** Drops marked-deleted nodes; falls back to exact mode when the user fits again. */
  private rebuild(): void {
    const live = [...this.entries()];
    if (live.length <= this.opts.exactThreshold) {
      this.hnsw = null;
      this.labelOf.clear();
      this.labelIds = [];
      this.deleted = 0;
      for (const [id, v] of live) this.exactPut(id, v);
      return;
    }
    this.hnsw = null;
    this.rowIds = [];
    this.rowOf.clear();
    for (const [id, v] of live) this.exactPut(id, v);
    this.toHnsw();
  }

  private hnswSearch(q: Float32Array, k: number, exclude: Set<string>): SearchHit[] {
    const g = this.hnsw as HierarchicalNSW;
    const live = this.labelOf.size;
    let excludedPresent = 0;
    for (const id of exclude) if (this.labelOf.has(id)) excludedPresent++;
    const want = Math.min(k + excludedPresent, live);
    if (want === 0) return [];
    g.setEf(Math.max(this.opts.hnsw.efSearch, want));
    let res: { neighbors: number[]; distances: number[] };
    try {
      res = g.searchKnn(Array.from(q), want);
    } catch {
      // hnswlib throws when the graph walk finds fewer than `want` live nodes (heavy deletion):
      // answer exactly from the stored points instead.
      return this.scanAll(q, k, exclude);
    }
    const hits: SearchHit[] = [];
    for (let i = 0; i < res.neighbors.length && hits.length < k; i++) {
      const id = this.labelIds[res.neighbors[i]];
      if (id === undefined || exclude.has(id)) continue;
      hits.push({ id, cosine: clampCos(1 - res.distances[i]) });
    }
    return hits;
  }

  private scanAll(q: Float32Array, k: number, exclude: Set<string>): SearchHit[] {
    const all: SearchHit[] = [];
    for (const [id] of this.labelOf) if (!exclude.has(id)) all.push({ id, cosine: this.cosineOf(q, id) });
    return all.sort((a, b) => b.cosine - a.cosine || (a.id < b.id ? -1 : 1)).slice(0, k);
  }

  private cosineOf(q: Float32Array, id: string): number {
    if (this.hnsw) {
      const label = this.labelOf.get(id);
      if (label === undefined) return 0;
      const p = this.hnsw.getPoint(label);
      let s = 0;
      for (let j = 0; j < this.dim; j++) s += q[j] * p[j];
      return clampCos(s);
    }
    const r = this.rowOf.get(id);
    return r === undefined ? 0 : clampCos(dotRow(q, this.rows, r));
  }
}
