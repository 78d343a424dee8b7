import type { Rng } from '../random';
import { rankWithTies, type SlateDecision, type SlateMarginals } from './slate';

/**
 * Slate-level ε-greedy (Vowpal Wabbit's default ε = 0.05): with probability 1 − ε show the top-k by
 * score (ties broken uniformly at random); with probability ε show a uniformly random ordered
 * k-subset. Exact position-wise propensity: P(a at j) = (1 − ε) g_j(a) + ε / K, where g_j is the
 * greedy marginal (1, or 1/|tie group|).
 */
export function epsilonGreedySlate(scores: ArrayLike<number>, k: number, epsilon: number, rng: Rng): SlateDecision {
  checkEpsilon(epsilon);
  const n = scores.length;
  const greedy = rankWithTies(scores, k, rng);
  let items: Int32Array;
  if (rng.next() < epsilon) {
    // partial Fisher-Yates: a uniform ordered k-subset
    const pool = Int32Array.from({ length: n }, (_, i) => i);
    for (let j = 0; j < k; j++) {
      const t = j + rng.nextInt(n - j);
      const tmp = pool[j];
      pool[j] = pool[t];
      pool[t] = tmp;
    }
    items = pool.slice(0, k);
  } else {
    items = greedy.decision.items;
  }
  const g = greedy.marginals.p;
  const propensities = Float64Array.from(items, (a, j) => (1 - epsilon) * g[a * k + j] + epsilon / n);
  return { items, propensities, propensityMethod: 'exact' };
}

/** The full position-wise marginals of `epsilonGreedySlate` (for OPE of an ε-greedy candidate). */
export function epsilonGreedyMarginals(scores: ArrayLike<number>, k: number, epsilon: number): SlateMarginals {
  checkEpsilon(epsilon);
  const { marginals } = rankWithTies(scores, k);
  const n = scores.length;
  const p = Float64Array.from(marginals.p, (g) => (1 - epsilon) * g + epsilon / n);
  return { nItems: n, k, p };
}

function checkEpsilon(epsilon: number): void {
  if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`epsilon must be in [0, 1], got ${epsilon}`);
}

/** Time-of-day window [fromHour, toHour) in UTC hours (wraps past midnight when from > to). */
export interface HourWindow {
  readonly fromHour: number;
  readonly toHour: number;
  readonly epsilon: number;
}

/** Applies when the current traffic is at least `minRps` (the highest matching band wins). */
export interface TrafficBand {
  readonly minRps: number;
  readonly epsilon: number;
}

export interface AdaptiveEpsilonConfig {
  readonly defaultEpsilon: number;
  readonly hourWindows?: readonly HourWindow[];
  readonly trafficBands?: readonly TrafficBand[];
  /** Clamp of the result. Default [0, 1]. */
  readonly min?: number;
  readonly max?: number;
}

/**
 * §127.2's "adaptive epsilon": explore more off-peak, less at peak. Precedence: a matching traffic
 * band (highest `minRps` ≤ rps) overrides the hour window, which overrides the default.
 */
export const DEFAULT_ADAPTIVE_EPSILON: AdaptiveEpsilonConfig = {
  defaultEpsilon: 0.05,
  hourWindows: [
    { fromHour: 1, toHour: 6, epsilon: 0.15 },
    { fromHour: 18, toHour: 22, epsilon: 0.02 },
  ],
};

export function adaptiveEpsilon(config: AdaptiveEpsilonConfig, at: { hourUtc: number; rps?: number }): number {
  let eps = config.defaultEpsilon;
  const h = ((at.hourUtc % 24) + 24) % 24;
  for (const w of config.hourWindows ?? []) {
    const inside = w.fromHour <= w.toHour ? h >= w.fromHour && h < w.toHour : h >= w.fromHour || h < w.toHour;
    if (inside) {
      eps = w.epsilon;
      break;
    }
  }
  if (at.rps !== undefined) {
    let best: TrafficBand | undefined;
    for (const b of config.trafficBands ?? []) if (at.rps >= b.minRps && (!best || b.minRps > best.minRps)) best = b;
    if (best) eps = best.epsilon;
  }
  return Math.min(config.max ?? 1, Math.max(config.min ?? 0, eps));
}
