/**
 * Fitting and cross-validating the learned re-ranker (memory-domain rerank.ts) on LoCoMo (issue 14).
 * Per question, the candidate pool the service would rank (the hybrid index's top `pool` over both
 * tiers) with each candidate's features, whether it holds an evidence turn, its words, its recency
 * prior and confidence — then a logistic fit (Newton, L2) and the budget recall of any model, fast
 * enough to cross-validate leaving one conversation out.
 */
import { asksAboutThePast, collapseByProvenance, factsBeforeTheirEpisodes, countWords, DEFAULT_RECENCY, isEpisode, queryCues, RERANK_FEATURES, rerankFeatures, rerankLogit, scoreMemory, sigmoid, type Memory, type RecencyPolicy, type RerankFeature, type RerankModel } from '@frontier/memory-domain';
import type { LocomoQuestion } from './locomo-data';
import { scoreQuestion, type QuestionScore } from './locomo-eval';
import type { PreparedConversation } from './locomo-variants';

/** A candidate of a question's pool as the re-ranker sees it (JSON-serialisable: the tuning harness caches pools). */
export interface PoolCandidate {
  id: string;
  text: string;
  episode: boolean;
  cosine: number;
  lexical?: number;
  positive: boolean;
  words: number;
  memory: Pick<Memory, 'type' | 'provenance'>;
  confidence: number;
  recency: number;
}

export interface QuestionPool {
  question: LocomoQuestion;
  conv: string;
  past: boolean;
  candidates: PoolCandidate[];
}

export interface CandidateRow extends PoolCandidate {
  x: number[];
}

export interface QuestionRows {
  question: LocomoQuestion;
  conv: string;
  past: boolean;
  rows: CandidateRow[];
}

/** The pool of every question of a prepared conversation (index `window2` by default, facts in, `pool` hits). */
export function collectPools(p: PreparedConversation, pool: number, now: Date, index = 'window2'): QuestionPool[] {
  const hits = p.hits.get(`${index}/${pool}/true`) ?? [];
  return p.conv.questions.map((q, qi) => {
    const ev = new Set(q.evidence);
    const candidates = (hits[qi] ?? []).flatMap((h) => {
      const d = p.docs.get(h.id);
      if (!d) return [];
      const b = scoreMemory({ memory: d.memory, cosine: h.cosine }, { now });
      const c: PoolCandidate = {
        id: d.memory.id,
        text: d.memory.text,
        episode: isEpisode(d.memory),
        cosine: h.cosine,
        ...(h.lexical !== undefined ? { lexical: h.lexical } : {}),
        positive: d.memory.provenance.turnIds.some((t) => ev.has(t)),
        words: countWords(d.memory.text),
        memory: { type: d.memory.type, provenance: { sessionId: d.memory.provenance.sessionId, sourceHash: '', turnIds: d.memory.provenance.turnIds } },
        confidence: b.confidence,
        recency: b.recency,
      };
      return [c];
    });
    return { question: q, conv: p.conv.sampleId, past: asksAboutThePast(q.question), candidates };
  });
}

/** Features of every candidate (memory-domain rerankFeatures, as the service computes them). */
export function withFeatures(pools: readonly QuestionPool[]): QuestionRows[] {
  return pools.map((q) => {
    const xs = rerankFeatures(q.candidates, queryCues(q.question.question));
    return { question: q.question, conv: q.conv, past: q.past, rows: q.candidates.map((c, i) => ({ ...c, x: xs[i] as number[] })) };
  });
}

/** The final score of a row under a model (relevance σ(z), × confidence, + the recency prior as the service combines it). */
export function finalScore(r: CandidateRow, relevance: number, past: boolean, recency: RecencyPolicy = DEFAULT_RECENCY): number {
  const base = relevance * r.confidence;
  if (recency.mode === 'off' || (past && recency.undecayedPast)) return base;
  if (recency.mode === 'product') return base * r.recency;
  if (recency.mode === 'blend') return base * (1 - recency.weight + recency.weight * r.recency);
  return base + recency.weight * r.recency;
}

export interface EvalOptions {
  recency?: RecencyPolicy;
  /** Sort key = final score / words^lengthPower (budget efficiency; 0 = off). */
  lengthPower?: number;
  /** Greedy diversity: a candidate's key × (1 − penalty) when it is within `reach` turns of a picked item of its session (LoCoMo dia ids; reach ∞ = same session). */
  diversity?: { penalty: number; reach: number };
  /** The logit of a row in place of the model's (another scorer, e.g. boosted trees over the model). */
  logit?: (q: QuestionRows, r: CandidateRow, i: number) => number;
  /** A fact moves up to its own turn's better-ranked episode (memory-domain factsBeforeTheirEpisodes, the service's default; default true). */
  factFirst?: boolean;
  /** The share of a fact's words its episode must hold for the fact to move up (default memory-domain FACT_IN_EPISODE_SHARE). */
  factShare?: number;
  /** Called per question with the texts of the items inside the budget, in rank order (what the model would read). */
  inBudget?: (q: QuestionRows, texts: readonly string[]) => void;
}

const turnAt = (id: string): { s: number; t: number } | null => {
  const m = /^D(\d+):(\d+)$/.exec(id);
  return m ? { s: Number(m[1]), t: Number(m[2]) } : null;
};

/** Budget scores of the questions under a model. */
export function evaluate(qs: readonly QuestionRows[], m: RerankModel, budgetWords: number, recencyOrOptions: RecencyPolicy | EvalOptions = DEFAULT_RECENCY): QuestionScore[] {
  const o: EvalOptions = 'mode' in recencyOrOptions ? { recency: recencyOrOptions } : recencyOrOptions;
  const recency = o.recency ?? DEFAULT_RECENCY;
  const lp = o.lengthPower ?? 0;
  return qs.map((q) => {
    const ranked = q.rows
      .map((r, i) => {
        const f = finalScore(r, sigmoid(o.logit ? o.logit(q, r, i) : rerankLogit(r.x, m)), q.past, recency);
        return { r, memory: { ...r.memory, text: r.text }, s: lp ? f / Math.pow(Math.max(1, r.words), lp) : f };
      })
      .sort((a, b) => b.s - a.s || (a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0));
    let ordered = collapseByProvenance((o.factFirst ?? true) ? factsBeforeTheirEpisodes(ranked, o.factShare).order : ranked);
    if (o.diversity && o.diversity.penalty > 0) {
      const { penalty, reach } = o.diversity;
      const rest = ordered.slice(0, 40);
      const picked: typeof ordered = [];
      const at: Array<{ s: number; t: number }> = [];
      while (rest.length) {
        let bi = 0;
        let bv = -Infinity;
        rest.forEach((x, i) => {
          const here = x.r.memory.provenance.turnIds.map(turnAt).filter((v): v is { s: number; t: number } => v !== null);
          const near = here.some((h) => at.some((a) => a.s === h.s && Math.abs(a.t - h.t) <= reach));
          const v = near ? x.s * (1 - penalty) : x.s;
          if (v > bv) {
            bv = v;
            bi = i;
          }
        });
        const [x] = rest.splice(bi, 1);
        if (!x) break;
        picked.push(x);
        for (const t of x.r.memory.provenance.turnIds) {
          const v = turnAt(t);
          if (v) at.push(v);
        }
      }
      ordered = picked;
    }
    const items = ordered.map((x) => ({ turnIds: x.r.memory.provenance.turnIds, words: x.r.words, text: x.r.text }));
    const score = scoreQuestion(q.question, items, budgetWords);
    o.inBudget?.(q, ordered.slice(0, score.items).map((x) => x.r.text));
    return score;
  });
}

export const meanBudget = (xs: readonly QuestionScore[]): number => (xs.length ? xs.reduce((a, s) => a + s.budget, 0) / xs.length : 0);

/** Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((M[r] as number[])[c] as number) > Math.abs((M[piv] as number[])[c] as number)) piv = r;
    [M[c], M[piv]] = [M[piv] as number[], M[c] as number[]];
    const pr = M[c] as number[];
    for (let r = c + 1; r < n; r++) {
      const row = M[r] as number[];
      const f = (row[c] as number) / (pr[c] as number);
      for (let k = c; k <= n; k++) row[k] = (row[k] as number) - f * (pr[k] as number);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = M[r] as number[];
    let s = row[n] as number;
    for (let k = r + 1; k < n; k++) s -= (row[k] as number) * (x[k] as number);
    x[r] = s / (row[r] as number);
  }
  return x;
}

export interface FitOptions {
  /** L2 penalty on the standardised weights (not the bias). */
  l2: number;
  /** Features left out (weight 0). */
  drop?: ReadonlySet<RerankFeature>;
  /** Pairwise (RankNet-style): rows are differences positive − negative within a question, no bias; the bias is then set by a pointwise fit of the score. */
  pairwise?: boolean;
  /** Each question's rows weigh 1 / its evidence turns' count in total for positives (multi-hop questions count once). */
  perQuestion?: boolean;
}

type Row = { x: number[]; y: number; w: number };

/** Newton / IRLS logistic fit on standardised columns with L2 (not on the intercept); returns [intercept, ...weights] in raw space. */
export function irls(rows: ReadonlyArray<{ x: number[]; y: number; w: number }>, l2: number): number[] {
  const p0 = rows[0]?.x.length ?? 0;
  const d = p0 + 1;
  const mean = Array.from({ length: p0 }, (_, j) => rows.reduce((a, r) => a + (r.x[j] as number), 0) / rows.length);
  const sd = Array.from({ length: p0 }, (_, j) => Math.sqrt(rows.reduce((a, r) => a + ((r.x[j] as number) - (mean[j] as number)) ** 2, 0) / rows.length) || 1);
  const z = rows.map((r) => [1, ...r.x.map((v, j) => (v - (mean[j] as number)) / (sd[j] as number))]);
  let beta = new Array<number>(d).fill(0);
  for (let it = 0; it < 30; it++) {
    const g = new Array<number>(d).fill(0);
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    rows.forEach((r, i) => {
      const zi = z[i] as number[];
      let s = 0;
      for (let j = 0; j < d; j++) s += (beta[j] as number) * (zi[j] as number);
      const p = sigmoid(s);
      const e = r.w * (p - r.y);
      const v = r.w * p * (1 - p);
      for (let j = 0; j < d; j++) {
        g[j] = (g[j] as number) + e * (zi[j] as number);
        const Hj = H[j] as number[];
        for (let k = 0; k <= j; k++) Hj[k] = (Hj[k] as number) + v * (zi[j] as number) * (zi[k] as number);
      }
    });
    for (let j = 0; j < d; j++) for (let k = j + 1; k < d; k++) (H[j] as number[])[k] = (H[k] as number[])[j] as number;
    for (let j = 1; j < d; j++) {
      g[j] = (g[j] as number) + l2 * (beta[j] as number);
      (H[j] as number[])[j] = ((H[j] as number[])[j] as number) + l2;
    }
    const step = solve(H, g);
    beta = beta.map((b, j) => b - (step[j] as number));
    if (Math.max(...step.map(Math.abs)) < 1e-7) break;
  }
  const raw = beta.slice(1).map((b, j) => b / (sd[j] as number));
  const intercept = (beta[0] as number) - raw.reduce((a, w, j) => a + w * (mean[j] as number), 0);
  return [intercept, ...raw];
}

/** Logistic regression (Newton / IRLS, standardised features, L2), returned in raw feature space. */
export function fitLogistic(qs: readonly QuestionRows[], o: FitOptions): RerankModel {
  const keep = RERANK_FEATURES.map((f, k) => ({ f, k })).filter(({ f }) => !o.drop?.has(f));
  const pick = (x: readonly number[]) => keep.map(({ k }) => x[k] as number);
  const pointwise: Row[] = [];
  for (const q of qs) {
    const pos = q.rows.filter((r) => r.positive).length;
    for (const r of q.rows) pointwise.push({ x: pick(r.x), y: r.positive ? 1 : 0, w: o.perQuestion && pos ? (r.positive ? 1 / pos : 1 / Math.max(1, q.rows.length - pos)) * 10 : 1 });
  }
  let beta: number[];
  if (o.pairwise) {
    const pairs: Row[] = [];
    for (const q of qs) {
      const pos = q.rows.filter((r) => r.positive);
      const neg = q.rows.filter((r) => !r.positive);
      const w = pos.length && neg.length ? 50 / (pos.length * neg.length) : 0;
      for (const p of pos)
        for (const n of neg) {
          const dx = keep.map(({ k }) => (p.x[k] as number) - (n.x[k] as number));
          pairs.push({ x: dx, y: 1, w }, { x: dx.map((v) => -v), y: 0, w });
        }
    }
    const dir = irls(pairs, o.l2).slice(1);
    // calibration: σ(a · dir·x + c) fitted pointwise, so the score sits on the same scale as the prior
    const [c, a] = irls(pointwise.map((r) => ({ x: [r.x.reduce((s, v, j) => s + v * (dir[j] as number), 0)], y: r.y, w: r.w })), 0) as [number, number];
    beta = [c, ...dir.map((w) => a * w)];
  } else beta = irls(pointwise, o.l2);
  const weights = Object.fromEntries(RERANK_FEATURES.map((f) => [f, 0])) as Record<RerankFeature, number>;
  keep.forEach(({ f }, j) => (weights[f] = beta[j + 1] as number));
  return { bias: beta[0] as number, weights };
}

/**
 * Coordinate ascent on the budget recall itself, from `start`: each weight in turn moved by ±step
 * (relative to its feature's spread), kept when the mean budget recall on `qs` rises; the step
 * halves when a round finds nothing.
 */
export function coordinateAscent(qs: readonly QuestionRows[], start: RerankModel, budgetWords: number, rounds = 4, recency: RecencyPolicy = DEFAULT_RECENCY): RerankModel {
  let m: RerankModel = { bias: start.bias, weights: { ...start.weights } };
  let best = meanBudget(evaluate(qs, m, budgetWords, recency));
  let step = 0.5;
  for (let round = 0; round < rounds; round++) {
    let improved = false;
    for (const f of RERANK_FEATURES) {
      if (m.weights[f] === 0) continue;
      for (const dir of [1, -1]) {
        const scale = Math.max(0.25, Math.abs(m.weights[f]));
        const cand = { bias: m.bias, weights: { ...m.weights, [f]: m.weights[f] + dir * step * scale } };
        const s = meanBudget(evaluate(qs, cand, budgetWords, recency));
        if (s > best + 1e-9) {
          best = s;
          m = cand;
          improved = true;
          break;
        }
      }
    }
    if (!improved) step /= 2;
  }
  return m;
}
