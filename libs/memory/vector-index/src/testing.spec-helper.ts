/** Test utilities shared by the contract suite, the adapter specs and the bench. */
import { cosine, Rng } from '@frontier/platform-util';

/** Uniform draws in [0, 1) from the workspace's seeded PRNG. */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

export function randomVector(dim: number, next: () => number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = next() * 2 - 1;
  return v;
}

/** Brute-force top-k (id, cosine) over a map of vectors (reference cosine in float64). */
export function bruteForce(items: Map<string, Float32Array>, q: Float32Array, k: number, exclude: string[] = []): Array<{ id: string; cosine: number }> {
  const ex = new Set(exclude);
  return [...items]
    .filter(([id]) => !ex.has(id))
    .map(([id, v]) => ({ id, cosine: cosine(q, v) }))
    .sort((a, b) => b.cosine - a.cosine || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}
