/**
 * Seeded random inputs for the benches (the libraries' own test helpers stay private to their
 * specs): uniform draws from the workspace's PRNG and random vectors with components in [-1, 1).
 */
import { Rng } from '@frontier/platform-util';

/** Uniform draws in [0, 1) from platform-util's seeded Rng. */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

export function randomVector(dim: number, next: () => number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = next() * 2 - 1;
  return v;
}
