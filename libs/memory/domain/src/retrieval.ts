import { docTerms, scoreDocuments } from './bm25';
import { isEpisode } from './episodic';
import type { Memory } from './memory';
import { scoreMemory, type ScoreBreakdown, type ScoringOptions } from './scoring';

/**
 * Ranking of retrieved memories (issue 14): relevance first, recency as a prior that never buries a
 * clearly relevant old memory, one slot per source turn across the two tiers, and a context budget
 * counted in words.
 */

/**
 * How the seed's sigmoid decay enters the final score:
 * - `product`: relevance × decay (the seed; on LoCoMo it cost 11.6 points held-out);
 * - `blend`: relevance × (1 − weight + weight × decay): decay moves a score by at most `weight`;
 * - `prior`: relevance + weight × decay: among near-equal relevance the newer wins, a clearly
 *   more relevant memory always wins (for weight much smaller than relevance gaps);
 * - `off`: relevance only (a reference, not a product setting).
 */
export type RecencyMode = 'product' | 'blend' | 'prior' | 'off';

export interface RecencyPolicy {
  mode: RecencyMode;
  /** The blend's or the prior's weight (ignored by product and off). */
  weight: number;
  /** Questions about the past ("when did…", "what did … last year") are ranked without decay. */
  undecayedPast: boolean;
}

/**
 * With the learned re-ranker (rerank.ts), LoCoMo dev at 300 words (issue 14,
 * docs/benchmarks/memory-retrieval.md): cross-validated (fold-fitted weights) blend 0.1 → 77.8,
 * prior 0.002 → 77.9, prior 0.005 → 77.8, prior 0.02 (the choice before the re-ranker) → 77.5,
 * the product → 77.4, no decay at all 77.8 (a reference); choosing among them per fold → 77.7 (the
 * folds chose priors of 0.002–0.01). Blend 0.1 is within 0.1 point of the best and keeps recency
 * meaningful whatever the relevance's scale: a score moves by at most 10 % with age, so among
 * near-equal memories the newer wins and a clearly more relevant old one still does.
 */
export const DEFAULT_RECENCY: RecencyPolicy = { mode: 'blend', weight: 0.1, undecayedPast: true };

const PAST =
  /\b(when|what year|which year|what month|how long ago|ago|last (?:year|month|week|summer|winter|spring|fall|autumn|weekend|time)|used to|did|was|were|had|went|before|first time|yesterday|earlier|previously|back then|in (?:19|20)\d\d)\b/i;

/** True when a query asks about the past, where decay would only bury the answer. */
export function asksAboutThePast(query: string): boolean {
  return PAST.test(query);
}

/** The final score of a breakdown under a recency policy (relevance: the re-ranker's when it ran; confidence and usage multiply in every mode). */
export function combineRecency(b: Pick<ScoreBreakdown, 'relevance' | 'rerank' | 'recency' | 'confidence' | 'usage'>, policy: RecencyPolicy, past: boolean): number {
  const base = (b.rerank ?? b.relevance) * b.confidence * b.usage;
  if (policy.mode === 'off' || (past && policy.undecayedPast)) return base;
  if (policy.mode === 'product') return base * b.recency;
  if (policy.mode === 'blend') return base * (1 - policy.weight + policy.weight * b.recency);
  return base + policy.weight * b.recency;
}

export interface RankInput<M> {
  memory: M;
  cosine: number;
  lexical?: number;
  /** The learned re-ranker's relevance (`rerankCandidates`, rerank.ts): ranks in place of the dense/lexical blend. */
  rerank?: number;
}

export type RankableMemory = Pick<Memory, 'id' | 'type' | 'confidence' | 'retrievalCount' | 'validAt' | 'provenance'>;

export interface RankOptions extends ScoringOptions {
  recency?: RecencyPolicy;
  /** The query (decides `undecayedPast`). */
  query?: string;
}

export interface Ranked<M> {
  memory: M;
  breakdown: ScoreBreakdown;
}

/**
 * Scores every candidate (relevance from dense + lexical, the type's decay, confidence, usage),
 * combines them under the recency policy, and sorts best first (ties by id, so runs repeat).
 */
export function rankMemories<M extends RankableMemory>(candidates: ReadonlyArray<RankInput<M>>, o: RankOptions): Array<Ranked<M>> {
  const policy = o.recency ?? DEFAULT_RECENCY;
  const past = o.query !== undefined && asksAboutThePast(o.query);
  const lexicalUsed = candidates.some((c) => c.lexical !== undefined);
  return candidates
    .map((c) => {
      const b = scoreMemory({ memory: c.memory, cosine: c.cosine, ...(lexicalUsed ? { lexical: c.lexical ?? 0 } : {}), ...(c.rerank !== undefined ? { rerank: c.rerank } : {}) }, o);
      return { memory: c.memory, breakdown: { ...b, score: combineRecency(b, policy, past) } };
    })
    .sort((a, b) => b.breakdown.score - a.breakdown.score || (a.memory.id < b.memory.id ? -1 : a.memory.id > b.memory.id ? 1 : 0));
}

/**
 * Share of the lexical score that comes from each candidate's own text (issue 14). The index
 * matches an episode with its neighbouring turns, so the answer's neighbours score like the answer;
 * a BM25 over the candidates' own texts (statistics of the candidate pool) tells them apart. LoCoMo
 * dev at 300 words, in-sample: 0 → 74.1, 0.2 → 75.3, 0.3 → 75.4; the cross-validation folds chose
 * 0.3 four times, 0.2 twice (docs/benchmarks/memory-retrieval.md).
 */
export const DEFAULT_OWN_TEXT_SHARE = 0.3;

/**
 * Candidates with `lexical` = (1 − share) × the index's lexical score + share × a BM25 of the
 * query against the candidate's own text, scored within the candidate pool and normalised to [0, 1]
 * by its best. Share 0 (or no candidates) leaves them as they are.
 */
export function blendOwnText<C extends { lexical?: number }>(candidates: readonly C[], query: string, textOf: (c: C) => string, share: number, keyOf?: (c: C) => object): C[] {
  if (!(share > 0) || !candidates.length) return [...candidates];
  // the same scores as a Bm25Index over the pool (bm25.ts); `keyOf`: the object a text's tokens are kept beside (a cached row)
  const own = scoreDocuments(query, candidates.map((c) => docTerms(textOf(c), keyOf?.(c))));
  let max = 0;
  for (const v of own) max = Math.max(max, v);
  return candidates.map((c, i) => ({ ...c, lexical: (1 - share) * (c.lexical ?? 0) + share * (max > 0 ? (own[i] as number) / max : 0) }));
}

/** `session\u0000turn` keys of what a memory cites. */
const turnKeys = (m: Pick<Memory, 'provenance'>): string[] => m.provenance.turnIds.map((t) => `${m.provenance.sessionId}\u0000${t}`);

/**
 * One slot per source turn across the tiers: a fact is dropped when a better-ranked episode is its
 * own turn, and an episode when a better-ranked fact came from it. Two facts of one turn both stay
 * (they say different things); so do two episodes (they are different turns).
 */
export function collapseByProvenance<R extends { memory: Pick<Memory, 'type' | 'provenance'> }>(ranked: readonly R[]): R[] {
  const byTier = { episode: new Set<string>(), fact: new Set<string>() };
  const out: R[] = [];
  for (const r of ranked) {
    const episode = isEpisode(r.memory);
    const keys = turnKeys(r.memory);
    const other = episode ? byTier.fact : byTier.episode;
    if (keys.some((k) => other.has(k))) continue;
    const mine = episode ? byTier.episode : byTier.fact;
    for (const k of keys) mine.add(k);
    out.push(r);
  }
  return out;
}

/** Words of a text as the budget counts them (whitespace-separated). */
export function countWords(text: string): number {
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}

/**
 * Whole items in rank order while their words fit in `budgetWords` (the first item that would
 * overflow ends the list: no smaller item jumps the queue). At least nothing, never a cut item.
 */
export function fitBudget<T>(items: readonly T[], wordsOf: (item: T) => number, budgetWords: number): T[] {
  const out: T[] = [];
  let used = 0;
  for (const it of items) {
    const w = wordsOf(it);
    if (used + w > budgetWords) break;
    used += w;
    out.push(it);
  }
  return out;
}
