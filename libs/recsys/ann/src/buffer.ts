import { exactTopK, normalizeRow, type TopK } from './vectors';

/** An item as the retrieval layer keeps it. */
export interface RetrievalItem {
  readonly id: string;
  readonly creator: string;
  readonly category: string;
  /** Any length equal to the index's dimension; stored as a unit vector. */
  readonly vector: ArrayLike<number>;
  readonly createdAtMs: number;
}

export interface BufferHit {
  readonly id: string;
  readonly score: number;
}

/**
 * The brute-force buffer (§127.2 "ANN index stale" mitigation): items added or changed since the
 * last index build, searched exactly. Rows stay dense (swap-remove), so a search is one pass over
 * `size × dim` floats — a few thousand items cost microseconds.
 */
export class VectorBuffer {
  private rows: Float32Array;
  private readonly ids: string[] = [];
  private readonly meta: Array<Omit<RetrievalItem, 'vector'>> = [];
  private readonly rowOf = new Map<string, number>();

  constructor(readonly dim: number) {
    this.rows = new Float32Array(16 * dim);
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  /** Adds or replaces an item (its vector normalized). */
  upsert(item: RetrievalItem): void {
    if (item.vector.length !== this.dim) throw new RangeError(`item ${item.id}: vector has ${item.vector.length} dimensions, the buffer ${this.dim}`);
    let r = this.rowOf.get(item.id);
    if (r === undefined) {
      r = this.ids.length;
      if ((r + 1) * this.dim > this.rows.length) {
        const grown = new Float32Array(this.rows.length * 2);
        grown.set(this.rows);
        this.rows = grown;
      }
      this.ids.push(item.id);
      this.meta.push({ id: item.id, creator: item.creator, category: item.category, createdAtMs: item.createdAtMs });
      this.rowOf.set(item.id, r);
    } else {
      this.meta[r] = { id: item.id, creator: item.creator, category: item.category, createdAtMs: item.createdAtMs };
    }
    this.rows.set(item.vector, r * this.dim);
    normalizeRow(this.rows, r * this.dim, this.dim);
  }

  remove(id: string): boolean {
    const r = this.rowOf.get(id);
    if (r === undefined) return false;
    const last = this.ids.length - 1;
    if (r !== last) {
      this.rows.copyWithin(r * this.dim, last * this.dim, (last + 1) * this.dim);
      this.ids[r] = this.ids[last];
      this.meta[r] = this.meta[last];
      this.rowOf.set(this.ids[r], r);
    }
    this.ids.pop();
    this.meta.pop();
    this.rowOf.delete(id);
    return true;
  }

  /** Exact top-k by cosine with `query` (a unit vector). */
  search(query: ArrayLike<number>, k: number): BufferHit[] {
    const { labels, scores } = this.topK(query, k);
    return Array.from(labels, (row, i) => ({ id: this.ids[row], score: scores[i] }));
  }

  /** {@link search} as rows and scores (no object a hit): ids by {@link idAt}, valid until the buffer changes. */
  topK(query: ArrayLike<number>, k: number): TopK {
    return exactTopK(this.rows, this.ids.length, this.dim, query, k);
  }

  /** The id of a row of {@link topK}. */
  idAt(row: number): string {
    return this.ids[row];
  }

  /** The item's creator, category and creation time. */
  info(id: string): Omit<RetrievalItem, 'vector'> | undefined {
    const r = this.rowOf.get(id);
    return r === undefined ? undefined : this.meta[r];
  }

  /** The stored unit vector (a view: copy before keeping it). */
  vector(id: string): Float32Array | undefined {
    const r = this.rowOf.get(id);
    return r === undefined ? undefined : this.rows.subarray(r * this.dim, (r + 1) * this.dim);
  }

  *entries(): Generator<Omit<RetrievalItem, 'vector'> & { vector: Float32Array }> {
    for (let r = 0; r < this.ids.length; r++) yield { ...this.meta[r], vector: this.rows.subarray(r * this.dim, (r + 1) * this.dim) };
  }
}
