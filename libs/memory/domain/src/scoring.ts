import type { Memory } from './memory';
import { DEFAULT_TYPE_POLICIES, type MemoryType, type TypePolicy } from './taxonomy';

const DAY = 86_400_000;
/**
 * Recency decay: a sigmoid in log-age, f(d) = 1 / (1 + (d / halfLife)^shape) = σ(−shape·ln(d/halfLife)).
 * f(0) = 1, f(halfLife) = 0.5, and `shape` sets how fast it falls after (design: 0.5 at 180 days,
 * 0.1 at two years). A plain logistic in days cannot give 1 at day 0 and both anchors at once.
 */
export interface DecayCurve {
  halfLifeDays: number;
  shape: number;
}

export function decayAt(curve: DecayCurve, ageDays: number): number {
  const d = Math.max(0, ageDays);
  return 1 / (1 + Math.pow(d / curve.halfLifeDays, curve.shape));
}

/** The curve with f(halfLife) = 0.5 and f(tenthLife) = 0.1: shape = ln 9 / ln(tenthLife / halfLife). */
export function fitDecay(halfLifeDays: number, tenthLifeDays: number): DecayCurve {
  if (!(halfLifeDays > 0 && tenthLifeDays > halfLifeDays)) throw new RangeError('need 0 < halfLife < tenthLife');
  return { halfLifeDays, shape: Math.log(9) / Math.log(tenthLifeDays / halfLifeDays) };
}

const curveCache = new Map<string, DecayCurve>();
export function curveFor(policy: TypePolicy): DecayCurve {
  const key = `${policy.halfLifeDays}/${policy.tenthLifeDays}`;
  let c = curveCache.get(key);
  if (!c) curveCache.set(key, (c = fitDecay(policy.halfLifeDays, policy.tenthLifeDays)));
  return c;
}

export interface UsageDiscount {
  /** Strength: discount = max(floor, 1 / (1 + strength · ln(1 + retrievals))). */
  strength: number;
  floor: number;
}

export const DEFAULT_USAGE: UsageDiscount = { strength: 0.15, floor: 0.5 };

/** Memories surfaced again and again are "assumed known" and pushed less (never below floor). */
export function usageDiscount(retrievals: number, u: UsageDiscount = DEFAULT_USAGE): number {
  return Math.max(u.floor, 1 / (1 + u.strength * Math.log1p(Math.max(0, retrievals))));
}

export interface RelevanceWeights {
  dense: number;
  lexical: number;
}

/**
 * Dense cosine alone is weak with the offline encoder (memory.md): relevance fuses both. Issue 14
 * (docs/benchmarks/memory-retrieval.md): with the episodic tier indexed with its neighbouring turns,
 * the own-text share and recency as a prior, leave-one-conversation-out cross-validation on LoCoMo
 * dev chose 0.5 dense in four folds and 0.6 in two with the service's query embedder (the static
 * table; in-sample 0.5 → 74.8, 0.6 → 74.6); with USE-lite queries 0.6 led by 0.1–0.3.
 */
export const DEFAULT_RELEVANCE: RelevanceWeights = { dense: 0.5, lexical: 0.5 };

export interface ScoreInput {
  memory: Pick<Memory, 'type' | 'confidence' | 'retrievalCount' | 'validAt'>;
  /** cos(query, memory) in [-1, 1]. */
  cosine: number;
  /** Lexical score normalised to [0, 1] within the candidate set (0 when unused). */
  lexical?: number;
  /** The learned re-ranker's relevance in [0, 1] (rerank.ts): ranks in place of `relevance`, which stays the similarity. */
  rerank?: number;
}

export interface ScoreBreakdown {
  score: number;
  /** The query–memory similarity: the dense/lexical blend (what a similarity threshold compares). */
  relevance: number;
  /** The learned re-ranker's relevance when it ranked the candidates: used in the score in place of `relevance`. */
  rerank?: number;
  cosine: number;
  lexical: number;
  recency: number;
  ageDays: number;
  confidence: number;
  usage: number;
}

export interface ScoringOptions {
  now: Date;
  weights?: RelevanceWeights;
  usage?: UsageDiscount;
  policies?: Record<MemoryType, TypePolicy>;
}

/** score = relevance (the re-ranker's when given) × recency_decay(age, type) × confidence × usage_discount(retrievals). */
export function scoreMemory(input: ScoreInput, o: ScoringOptions): ScoreBreakdown {
  const w = o.weights ?? DEFAULT_RELEVANCE;
  const policy = (o.policies ?? DEFAULT_TYPE_POLICIES)[input.memory.type];
  const cosine = Math.max(0, input.cosine);
  const lexical = Math.min(1, Math.max(0, input.lexical ?? 0));
  const relevance = input.lexical === undefined ? cosine : (w.dense * cosine + w.lexical * lexical) / (w.dense + w.lexical);
  const rerank = input.rerank === undefined ? undefined : Math.min(1, Math.max(0, input.rerank));
  // age from when the user said it / it became true (event time), so replayed history decays too
  const ageDays = Math.max(0, (o.now.getTime() - input.memory.validAt.getTime()) / DAY);
  const recency = decayAt(curveFor(policy), ageDays);
  const usage = usageDiscount(input.memory.retrievalCount, o.usage);
  const confidence = input.memory.confidence;
  return { score: (rerank ?? relevance) * recency * confidence * usage, relevance, cosine, lexical, recency, ageDays, confidence, usage, ...(rerank === undefined ? {} : { rerank }) };
}
