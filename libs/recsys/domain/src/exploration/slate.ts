import type { Rng } from '../random';

/**
 * A shown slate: `items[j]` at position j, and `propensities[j]` = P(items[j] at position j | x)
 * under the policy that chose it (position-wise, as OBP's per-position data). Log both.
 */
export interface SlateDecision {
  readonly items: Int32Array;
  readonly propensities: Float64Array;
  /** How the propensities were obtained. */
  readonly propensityMethod: 'exact' | 'monte-carlo';
}

/**
 * Position-wise marginals of a slate policy: `p[a * k + j]` = P(item a at position j). Each
 * position's column sums to 1; this is OBP's `action_dist[i]` (shape [nActions, lenList]) for OPE.
 */
export interface SlateMarginals {
  readonly nItems: number;
  readonly k: number;
  readonly p: Float64Array;
}

/** Items sorted by descending score (stable: lower index first on ties). */
export function sortByScore(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order;
}

/**
 * Deterministic top-k by score with uniformly random tie-breaking, and its exact marginals: a tie
 * group occupying sorted positions [s, e) puts each member at each of those positions with
 * probability 1/|group|. Without ties the policy is deterministic (propensity 1).
 */
export function rankWithTies(scores: ArrayLike<number>, k: number, rng?: Rng): { decision: SlateDecision; marginals: SlateMarginals } {
  const n = scores.length;
  if (k > n || k < 1) throw new RangeError(`k must be in [1, ${n}], got ${k}`);
  const order = sortByScore(scores);
  const p = new Float64Array(n * k);
  const items = new Int32Array(k);
  const propensities = new Float64Array(k);
  let s = 0;
  while (s < k) {
    let e = s + 1;
    while (e < n && scores[order[e]] === scores[order[s]]) e++;
    const group = Array.from(order.subarray(s, e));
    if (rng && group.length > 1) rng.shuffle(group);
    const share = 1 / group.length;
    for (let j = s; j < Math.min(e, k); j++) {
      items[j] = group[j - s];
      propensities[j] = share;
      for (const a of group) p[a * k + j] = share;
    }
    s = e;
  }
  return { decision: { items, propensities, propensityMethod: 'exact' }, marginals: { nItems: n, k, p } };
}

/** Checks a marginal matrix: every position sums to 1, every item at most 1 over positions. */
export function marginalsAreValid(m: SlateMarginals, tol = 1e-9): boolean {
  for (let j = 0; j < m.k; j++) {
    let s = 0;
    for (let a = 0; a < m.nItems; a++) s += m.p[a * m.k + j];
    if (Math.abs(s - 1) > tol) return false;
  }
  for (let a = 0; a < m.nItems; a++) {
    let s = 0;
    for (let j = 0; j < m.k; j++) s += m.p[a * m.k + j];
    if (s > 1 + tol) return false;
  }
  return true;
}
