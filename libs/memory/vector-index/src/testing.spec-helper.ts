/** Test utilities shared by the contract suite, the adapter specs and the bench. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomVector(dim: number, next: () => number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = next() * 2 - 1;
  return v;
}

/** Reference cosine in float64 with plain loops. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}

/** Brute-force top-k (id, cosine) over a map of vectors. */
export function bruteForce(items: Map<string, Float32Array>, q: Float32Array, k: number, exclude: string[] = []): Array<{ id: string; cosine: number }> {
  const ex = new Set(exclude);
  return [...items]
    .filter(([id]) => !ex.has(id))
    .map(([id, v]) => ({ id, cosine: cosine(q, v) }))
    .sort((a, b) => b.cosine - a.cosine || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}
