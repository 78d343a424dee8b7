import type { SearchHit } from './port';

/** Unit-length copy of `v` into `out` (Float32). Returns the norm. */
export function normalizeInto(v: Float32Array, out: Float32Array, offset = 0): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const norm = Math.sqrt(s);
  const inv = 1 / norm;
  for (let i = 0; i < v.length; i++) out[offset + i] = v[i] * inv;
  return norm;
}

export function normalized(v: Float32Array): Float32Array {
  const out = new Float32Array(v.length);
  normalizeInto(v, out);
  return out;
}

/** Dot product of unit query `q` and row `row` of a row-major matrix of width q.length. */
export function dotRow(q: Float32Array, m: Float32Array, row: number): number {
  const d = q.length;
  const base = row * d;
  // four accumulators: independent adds pipeline better than one dependent chain
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    s0 += q[j] * m[base + j];
    s1 += q[j + 1] * m[base + j + 1];
    s2 += q[j + 2] * m[base + j + 2];
    s3 += q[j + 3] * m[base + j + 3];
  }
  for (; j < d; j++) s0 += q[j] * m[base + j];
  return s0 + s1 + s2 + s3;
}

/**
 * Bounded best-k collector (ties broken by smaller key for determinism). Insertion into a sorted
 * array: O(k) per accepted candidate, and most candidates are rejected by one comparison.
 */
export class TopK {
  readonly scores: number[] = [];
  readonly keys: number[] = [];
  constructor(private readonly k: number) {}

  get worst(): number {
    return this.scores.length < this.k ? -Infinity : this.scores[this.scores.length - 1];
  }

  push(score: number, key: number): void {
    if (this.scores.length >= this.k && score <= this.worst) return;
    let i = this.scores.length;
    while (i > 0 && (this.scores[i - 1] < score || (this.scores[i - 1] === score && this.keys[i - 1] > key))) i--;
    this.scores.splice(i, 0, score);
    this.keys.splice(i, 0, key);
    if (this.scores.length > this.k) {
      this.scores.pop();
      this.keys.pop();
    }
  }
}

/** Reciprocal-rank fusion constant (the usual 60). */
export const RRF_K = 60;

/**
 * Fuses a dense ranking and a lexical ranking by reciprocal rank, keeps the best k, and attaches
 * `lexical` = raw lexical score / max raw lexical score among the returned hits (0 when a hit has
 * no lexical score). `cosineOf` supplies the true cosine of any id (dense-ranked or not).
 */
export function fuseHybrid(
  dense: string[],
  lexical: Array<{ id: string; score: number }>,
  k: number,
  cosineOf: (id: string) => number,
): SearchHit[] {
  const fused = new Map<string, number>();
  dense.forEach((id, r) => fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + r + 1)));
  const raw = new Map<string, number>();
  lexical.forEach(({ id, score }, r) => {
    fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + r + 1));
    raw.set(id, score);
  });
  // sorted on the (id, fused score) pairs themselves: the same order as looking both scores up per comparison
  const best = [...fused].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, k);
  return withLexical(best.map(([id]) => ({ id, cosine: cosineOf(id) })), raw);
}

/** Attaches `lexical` normalised to [0, 1] within `hits` from raw BM25-style scores. */
export function withLexical(hits: Array<{ id: string; cosine: number }>, raw: Map<string, number>): SearchHit[] {
  let max = 0;
  for (const h of hits) max = Math.max(max, raw.get(h.id) ?? 0);
  return hits.map((h) => ({ id: h.id, cosine: h.cosine, lexical: max > 0 ? (raw.get(h.id) ?? 0) / max : 0 }));
}

/** Clamps float error so a reported cosine stays within [-1, 1]. */
export const clampCos = (c: number): number => (c > 1 ? 1 : c < -1 ? -1 : c);
