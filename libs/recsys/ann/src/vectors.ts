/**
 * Row-major Float32 vector helpers shared by the HNSW snapshot, the brute-force buffer and the
 * brute-force baseline: unit rows (so inner product = cosine) and an exact top-k by inner product.
 */

/** Scales `v[off .. off + dim)` to unit length in place (a zero row stays zero). Returns the old norm. */
export function normalizeRow(v: Float32Array, off: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += v[off + j] * v[off + j];
  const norm = Math.sqrt(s);
  if (norm > 0) for (let j = 0; j < dim; j++) v[off + j] /= norm;
  return norm;
}

/** A unit-length copy of `v`. */
export function unit(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v);
  normalizeRow(out, 0, out.length);
  return out;
}

/** Hits of a search: `labels[i]` (row numbers) best first, `scores[i]` their inner products. */
export interface TopK {
  readonly labels: Int32Array;
  readonly scores: Float32Array;
}

/**
 * Exact top-k rows of `vectors` (n × dim) by inner product with `query`, best first (ties: lower
 * row first). Rows with `skip[row] = 1` are left out. A bounded min-heap keeps it O(n·dim + n·log k).
 */
export function exactTopK(vectors: Float32Array, n: number, dim: number, query: ArrayLike<number>, k: number, skip?: Uint8Array): TopK {
  const want = Math.max(0, Math.min(k, n));
  const heapRow = new Int32Array(want);
  const heapScore = new Float32Array(want);
  let size = 0;
  // min-heap on (score, -row): the root is the worst kept hit
  const worse = (sa: number, ra: number, sb: number, rb: number) => sa < sb || (sa === sb && ra > rb);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(heapScore[l], heapRow[l], heapScore[m], heapRow[m])) m = l;
      if (r < size && worse(heapScore[r], heapRow[r], heapScore[m], heapRow[m])) m = r;
      if (m === i) return;
      const ts = heapScore[i];
      const tr = heapRow[i];
      heapScore[i] = heapScore[m];
      heapRow[i] = heapRow[m];
      heapScore[m] = ts;
      heapRow[m] = tr;
      i = m;
    }
  };
  if (want > 0) {
    for (let row = 0, off = 0; row < n; row++, off += dim) {
      if (skip && skip[row]) continue;
      let s = 0;
      for (let j = 0; j < dim; j++) s += vectors[off + j] * query[j];
      if (size < want) {
        // sift up
        let i = size++;
        heapScore[i] = s;
        heapRow[i] = row;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (!worse(heapScore[i], heapRow[i], heapScore[p], heapRow[p])) break;
          const ts = heapScore[i];
          const tr = heapRow[i];
          heapScore[i] = heapScore[p];
          heapRow[i] = heapRow[p];
          heapScore[p] = ts;
          heapRow[p] = tr;
          i = p;
        }
      } else if (worse(heapScore[0], heapRow[0], s, row)) {
        heapScore[0] = s;
        heapRow[0] = row;
        siftDown(0);
      }
    }
  }
  // pop worst-first into the tail: best first
  const labels = new Int32Array(size);
  const scores = new Float32Array(size);
  for (let out = size - 1; out >= 0; out--) {
    labels[out] = heapRow[0];
    scores[out] = heapScore[0];
    size--;
    heapRow[0] = heapRow[size];
    heapScore[0] = heapScore[size];
    siftDown(0);
  }
  return { labels, scores };
}
