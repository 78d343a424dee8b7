/**
 * Experiment of issue 14's fifth pass, not shipped (no cross-validated gain: 77.7 → 77.3–78.2 across
 * settings, the setting chosen inside the folds 77.3–77.9): boosted regression trees on top of the learned
 * re-ranker's logistic score. The logistic model gives each candidate a logit z₀; a few shallow trees
 * read its 13 features plus where the candidate stands in its pool (its logit's rank, the best logit of
 * its session, how many of its session's items made the pool, its rank among its speaker's items, its
 * length, its tier, a pseudo-relevance-feedback share) and add a correction: z = z₀ + Σ tree(x).
 * Fitted by bench/memory/lib/locomo-trees.ts (`locomo-tune.ts --exp trees|stage2`).
 */
import { poolRanks as ranks, RERANK_FEATURES } from '@frontier/memory-domain';

/** Where a candidate stands in its pool, in the order trees read them after {@link RERANK_FEATURES}. */
export const CONTEXT_FEATURES = ['logit', 'logitRank', 'sessionBest', 'sessionGap', 'sessionCount', 'speakerRank', 'words', 'episode', 'feedback'] as const;

export type ContextFeature = (typeof CONTEXT_FEATURES)[number];

/** Every feature a tree may split on: the re-ranker's 13, then the pool context. */
export const TREE_FEATURES: readonly string[] = [...RERANK_FEATURES, ...CONTEXT_FEATURES];

/**
 * One regression tree of fixed depth d, stored level by level: internal node n (0-based, 2^d − 1 of
 * them) sends x left when x[feature[n]] ≤ threshold[n], to child 2n + 1, else to 2n + 2; the leaf
 * reached (node − (2^d − 1)) gives the value.
 */
export interface RegressionTree {
  feature: readonly number[];
  threshold: readonly number[];
  leaf: readonly number[];
}

export interface TreeEnsemble {
  depth: number;
  trees: readonly RegressionTree[];
}

/** The value a tree gives x. */
export function treeValue(t: RegressionTree, depth: number, x: ArrayLike<number>): number {
  let n = 0;
  for (let l = 0; l < depth; l++) n = (x[t.feature[n] as number] as number) <= (t.threshold[n] as number) ? 2 * n + 1 : 2 * n + 2;
  return t.leaf[n - ((1 << depth) - 1)] as number;
}

/** Σ of the ensemble's trees at x (0 for no trees). */
export function ensembleValue(e: TreeEnsemble, x: ArrayLike<number>): number {
  let s = 0;
  for (const t of e.trees) s += treeValue(t, e.depth, x);
  return s;
}

/** What the context features read of a candidate besides its logit. */
export interface ContextInput {
  /** The logistic model's logit. */
  logit: number;
  /** The session the item came from (absent: a group of its own). */
  session?: string;
  /** Who said it (episodes; absent for facts). */
  speaker?: string;
  words: number;
  episode: boolean;
  /** Term frequencies of the text's body (stemmed; for the feedback feature). */
  tf?: Readonly<Record<string, number>>;
  /** Tokens of the body. */
  length?: number;
}

/** Pseudo-relevance feedback inside the pool: how many of the best candidates lend terms, and how many terms. */
export const FEEDBACK_DOCS = 5;
export const FEEDBACK_TERMS = 10;

/**
 * RM-style feedback without a second query: the terms that weigh most in the pool's `FEEDBACK_DOCS`
 * best candidates (by logit; weight tf / length × idf in the pool, query terms out), then each
 * candidate's share of those terms' weight. 0 for every candidate when nothing has terms.
 */
export function feedbackScores(pool: readonly ContextInput[], queryTerms: ReadonlySet<string>): number[] {
  const n = pool.length;
  const df = new Map<string, number>();
  for (const c of pool) if (c.tf) for (const t in c.tf) df.set(t, (df.get(t) ?? 0) + 1);
  const top = pool.map((_, i) => i).sort((a, b) => (pool[b] as ContextInput).logit - (pool[a] as ContextInput).logit).slice(0, FEEDBACK_DOCS);
  const weight = new Map<string, number>();
  for (const i of top) {
    const c = pool[i] as ContextInput;
    if (!c.tf || !c.length) continue;
    for (const t in c.tf) {
      if (queryTerms.has(t)) continue;
      const idf = Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
      weight.set(t, (weight.get(t) ?? 0) + ((c.tf[t] as number) / c.length) * idf);
    }
  }
  const terms = [...weight].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, FEEDBACK_TERMS);
  const total = terms.reduce((a, [, w]) => a + w, 0);
  return pool.map((c) => {
    if (!total || !c.tf) return 0;
    let s = 0;
    for (const [t, w] of terms) if (c.tf[t] !== undefined) s += w;
    return s / total;
  });
}


/**
 * The context features of every candidate of a pool (order {@link CONTEXT_FEATURES}): its logit; its
 * logit's rank in the pool (0 = best); the best logit among the other candidates of its session
 * (its own logit when it is alone there); that best minus its own logit; how many candidates of its
 * session made the pool; its rank among the candidates of its speaker (facts: among facts); its words;
 * 1 for an episode; its {@link feedbackScores} share.
 */
export function contextFeatures(pool: readonly ContextInput[], queryTerms: ReadonlySet<string> = new Set()): number[][] {
  const n = pool.length;
  const feedback = feedbackScores(pool, queryTerms);
  const logits = pool.map((c) => c.logit);
  const poolRank = ranks(logits);
  const bySession = new Map<string, number[]>();
  const bySpeaker = new Map<string, number[]>();
  pool.forEach((c, i) => {
    const s = c.session ?? `\u0000${i}`;
    const list = bySession.get(s);
    if (list) list.push(i);
    else bySession.set(s, [i]);
    const who = c.episode ? `e:${c.speaker ?? ''}` : 'f:';
    const l2 = bySpeaker.get(who);
    if (l2) l2.push(i);
    else bySpeaker.set(who, [i]);
  });
  const speakerRank = new Array<number>(n).fill(0);
  for (const members of bySpeaker.values()) {
    const r = ranks(members.map((i) => logits[i] as number));
    members.forEach((i, k) => (speakerRank[i] = r[k] as number));
  }
  const out: number[][] = new Array<number[]>(n);
  for (const members of bySession.values()) {
    for (const i of members) {
      let best = -Infinity;
      for (const j of members) if (j !== i && (logits[j] as number) > best) best = logits[j] as number;
      const own = logits[i] as number;
      if (best === -Infinity) best = own;
      const c = pool[i] as ContextInput;
      out[i] = [own, poolRank[i] as number, best, best - own, members.length, speakerRank[i] as number, c.words, c.episode ? 1 : 0, feedback[i] as number];
    }
  }
  return out;
}
