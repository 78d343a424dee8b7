import { diversityRerank, epsilonGreedySlate, type Rng } from '@frontier/recsys-domain';

/** A candidate in the policy's order of preference (best first). */
export interface RankedCandidate {
  readonly id: string;
  readonly creator: string;
  readonly category: string;
  /** The score reported with it (model probability × trending boost, or the fallback's score). */
  readonly score: number;
}

export interface SlateOptions {
  readonly k: number;
  /** ε of the slate-level ε-greedy policy (recsys-domain `epsilonGreedySlate`). */
  readonly epsilon: number;
  readonly maxPerCreator: number;
  readonly maxPerCategory: number;
}

export interface ShownItem {
  readonly id: string;
  readonly creator: string;
  readonly category: string;
  readonly score: number;
  /** 0-based. */
  readonly position: number;
  /** P(this item at this position | the policy, this request's candidates): what OPE needs. */
  readonly propensity: number;
  /** Not the item the greedy (exploiting) slate has at this position. */
  readonly explored: boolean;
}

export interface Slate {
  readonly items: ShownItem[];
  /** The greedy slate (ids by position): the diversified top-k the policy exploits. */
  readonly greedy: string[];
  /** Candidates the policy chose among (n of ε/n). */
  readonly poolSize: number;
}

/**
 * The shown slate from ranked candidates: the diversity cap (recsys-domain `diversityRerank`: at most
 * `maxPerCreator` per creator and `maxPerCategory` per category in the top k, order otherwise kept)
 * makes the greedy slate; recsys-domain's ε-greedy then shows it with probability 1 − ε, or a
 * uniformly random ordered k-subset of all n candidates with probability ε, and gives each shown
 * item its exact position-wise propensity `(1 − ε)·[a is greedy at j] + ε/n`. The greedy order is fed
 * to the policy as strictly decreasing scores (n − rank), so the policy's greedy slate is exactly the
 * diversified one and no tie is broken at random. An explored slate is uniform and so not capped.
 */
export function chooseSlate(ranked: readonly RankedCandidate[], o: SlateOptions, rng: Rng): Slate {
  const n = ranked.length;
  const k = Math.min(o.k, n);
  if (k === 0) return { items: [], greedy: [], poolSize: n };
  const { order } = diversityRerank(ranked, { topN: k, maxPerCreator: o.maxPerCreator, maxPerCategory: o.maxPerCategory });
  const preference = new Float64Array(n);
  order.forEach((idx, rank) => (preference[idx] = n - rank));
  const decision = epsilonGreedySlate(preference, k, o.epsilon, rng);
  const items = Array.from(decision.items, (idx, j): ShownItem => {
    const c = ranked[idx];
    return { id: c.id, creator: c.creator, category: c.category, score: c.score, position: j, propensity: decision.propensities[j], explored: idx !== order[j] };
  });
  return { items, greedy: order.slice(0, k).map((i) => ranked[i].id), poolSize: n };
}
