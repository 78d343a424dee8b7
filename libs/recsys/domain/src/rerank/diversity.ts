export interface DiversityItem {
  readonly creator: string;
  readonly category: string;
}

export interface DiversityOptions {
  /** Size of the head of the list where the caps apply. Default 10. */
  readonly topN?: number;
  readonly maxPerCreator?: number;
  readonly maxPerCategory?: number;
}

export interface DiversityResult {
  /** Indices into the input, best first: a permutation of all of them. */
  readonly order: number[];
  /**
   * Top-N slots that had to be filled by an item breaking a cap because every remaining item
   * would break one (0 whenever the caps are satisfiable).
   */
  readonly relaxedSlots: number;
}

/**
 * Diversity cap (§127.2: at most 2 per creator and per category in the top 10): walk the ranked
 * list, take each item whose creator and category are still under their caps, defer the others.
 * Order is otherwise kept: taken items stay in their relative order, and deferred items follow
 * the top N in their original order.
 */
export function diversityRerank(ranked: readonly DiversityItem[], options: DiversityOptions = {}): DiversityResult {
  const topN = Math.min(options.topN ?? 10, ranked.length);
  const capCreator = options.maxPerCreator ?? 2;
  const capCategory = options.maxPerCategory ?? 2;
  const creators = new Map<string, number>();
  const categories = new Map<string, number>();
  const taken = new Uint8Array(ranked.length);
  const order: number[] = [];
  let relaxedSlots = 0;
  const take = (i: number) => {
    taken[i] = 1;
    order.push(i);
    creators.set(ranked[i].creator, (creators.get(ranked[i].creator) ?? 0) + 1);
    categories.set(ranked[i].category, (categories.get(ranked[i].category) ?? 0) + 1);
  };
  for (let i = 0; i < ranked.length && order.length < topN; i++) {
    const it = ranked[i];
    if ((creators.get(it.creator) ?? 0) < capCreator && (categories.get(it.category) ?? 0) < capCategory) take(i);
  }
  for (let i = 0; i < ranked.length && order.length < topN; i++) {
    if (!taken[i]) {
      take(i);
      relaxedSlots++;
    }
  }
  for (let i = 0; i < ranked.length; i++) if (!taken[i]) order.push(i);
  return { order, relaxedSlots };
}

/**
 * Maximal Marginal Relevance (Carbonell & Goldstein 1998): greedily pick
 * argmax λ·rel(i) − (1 − λ)·max_{j picked} cos(e_i, e_j). Returns k indices.
 */
export function mmrRerank(relevance: ArrayLike<number>, embeddings: Float32Array, dim: number, k: number, lambda = 0.7): number[] {
  const n = relevance.length;
  const norms = Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += embeddings[i * dim + j] ** 2;
    return Math.sqrt(s) || 1;
  });
  const maxSim = new Float64Array(n).fill(-Infinity);
  const picked = new Uint8Array(n);
  const out: number[] = [];
  while (out.length < Math.min(k, n)) {
    let best = -1;
    let bestVal = -Infinity;
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      const v = lambda * relevance[i] - (1 - lambda) * (out.length ? maxSim[i] : 0);
      if (v > bestVal) {
        bestVal = v;
        best = i;
      }
    }
    picked[best] = 1;
    out.push(best);
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      let s = 0;
      for (let j = 0; j < dim; j++) s += embeddings[i * dim + j] * embeddings[best * dim + j];
      maxSim[i] = Math.max(maxSim[i], s / (norms[i] * norms[best]));
    }
  }
  return out;
}
