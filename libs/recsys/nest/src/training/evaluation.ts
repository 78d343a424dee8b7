import type { LoggedImpression } from '@frontier/recsys-data-access';
import { BatchScorer, bootstrapConfidenceIntervals, epsilonGreedyMarginals, MODEL_INPUT_DIMS, type TwoTowerModel } from '@frontier/recsys-domain';
import { itemSnapshotOf, PointInTimeFeatures, type FeatureNeeds } from './features';
import type { OpeSummary } from './gate';

const { userDim: U, itemDim: I, contextDim: C } = MODEL_INPUT_DIMS;

interface EvalRequest {
  requestId: string;
  atMs: number;
  snapshot: number;
  /** Indices into `rows`. */
  rows: number[];
  /** Positions 0 … slateLen − 1 (the largest logged position + 1). */
  slateLen: number;
}

/**
 * The held-out logs prepared once for evaluating any number of models: the action set (the items
 * shown in them, at most `maxActions`, the most shown), each request's user input and context,
 * and every action's item input at each hour snapshot the requests fall in.
 */
export interface EvalSet {
  rows: readonly LoggedImpression[];
  requests: EvalRequest[];
  actionIds: string[];
  actionIndex: Map<string, number>;
  userInputs: Float32Array;
  contexts: Float32Array;
  itemInputs: Map<number, Float32Array>;
}

/**
 * The action set of an evaluation: every item shown in the rows, or the `maxActions` most shown
 * (ties by id). A model is evaluated as a policy over this set: rows of other items keep their
 * place with π_e = 0 (the restricted policy never shows them), so the estimate stays unbiased for
 * that policy; scoring costs requests × actions.
 */
export function evaluationActions(rows: readonly LoggedImpression[], maxActions = Infinity): string[] {
  const shown = new Map<string, number>();
  for (const r of rows) shown.set(r.itemId, (shown.get(r.itemId) ?? 0) + 1);
  const all = [...shown.keys()];
  if (all.length <= maxActions) return all.sort();
  return all
    .sort((a, b) => (shown.get(b) as number) - (shown.get(a) as number) || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, maxActions)
    .sort();
}

/** What the point-in-time reader must load to evaluate these rows. */
export function evaluationNeeds(rows: readonly LoggedImpression[], maxActions = Infinity): FeatureNeeds {
  const actions = evaluationActions(rows, maxActions);
  const users = new Map<string, { userId: string; atMs: number }>();
  const snaps = new Set<number>();
  for (const r of rows) {
    users.set(r.requestId, { userId: r.userId, atMs: r.shownAtMs });
    snaps.add(itemSnapshotOf(r.shownAtMs));
  }
  return { users: [...users.values()], items: [...snaps].flatMap((atMs) => actions.map((itemId) => ({ itemId, atMs }))) };
}

export function prepareEvaluation(rows: readonly LoggedImpression[], features: PointInTimeFeatures, maxActions = Infinity): EvalSet {
  const actionIds = evaluationActions(rows, maxActions);
  const actionIndex = new Map(actionIds.map((id, a) => [id, a]));
  const byRequest = new Map<string, EvalRequest>();
  rows.forEach((r, t) => {
    let q = byRequest.get(r.requestId);
    if (!q) byRequest.set(r.requestId, (q = { requestId: r.requestId, atMs: r.shownAtMs, snapshot: itemSnapshotOf(r.shownAtMs), rows: [], slateLen: 0 }));
    q.rows.push(t);
    q.slateLen = Math.max(q.slateLen, r.position + 1);
  });
  const requests = [...byRequest.values()];
  const userInputs = new Float32Array(requests.length * U);
  const contexts = new Float32Array(requests.length * C);
  requests.forEach((q, k) => {
    const first = rows[q.rows[0] as number] as LoggedImpression;
    userInputs.set(features.userInput(first.userId, q.atMs), k * U);
    contexts.set(PointInTimeFeatures.context(q.atMs, first.surface), k * C);
  });
  const itemInputs = new Map<number, Float32Array>();
  for (const q of requests) {
    if (itemInputs.has(q.snapshot)) continue;
    const m = new Float32Array(actionIds.length * I);
    actionIds.forEach((id, a) => m.set(features.itemInput(id, q.snapshot), a * I));
    itemInputs.set(q.snapshot, m);
  }
  return { rows, requests, actionIds, actionIndex, userInputs, contexts, itemInputs };
}

/** Holdout prediction quality of the model's click probability on the logged (user, item) pairs. */
export interface HoldoutMetrics {
  rows: number;
  /** Mean reward of the logs (the logging policy's observed value). */
  ctr: number;
  meanPrediction: number;
  logLoss: number;
  /** Area under the ROC curve (null without both classes). */
  auc: number | null;
}

export interface ModelEvaluation {
  holdout: HoldoutMetrics;
  ope: OpeSummary;
  requests: number;
  actions: number;
  epsilon: number;
}

export interface EvaluateOptions {
  /** ε of the ε-greedy policy the model is evaluated as. */
  epsilon: number;
  nResamples: number;
  alpha: number;
  seed: number;
}

/**
 * The model as a ranking policy on the held-out logs: for each request it scores every action
 * (`BatchScorer`, the serving path), and is evaluated as recsys-domain's slate ε-greedy over those
 * scores, per position (`epsilonGreedyMarginals`: π_e(a at j) = (1 − ε)·[a is the greedy pick at
 * j] + ε/K). Columns for OPE: the logged reward and propensity, π_e of the logged item at its
 * position, and the model's own click probability as the reward model q̂ (q̂ at the logged item,
 * and Σ_a π_e(a at j) q̂(a)) — DR stays unbiased whatever q̂, since the propensities are logged.
 * Intervals: recsys-domain `bootstrapConfidenceIntervals`, with its weight diagnostics and warnings.
 */
export async function evaluateModel(model: TwoTowerModel, set: EvalSet, o: EvaluateOptions, pause: () => Promise<void> = async () => undefined): Promise<ModelEvaluation> {
  const n = set.rows.length;
  const K = set.actionIds.length;
  const e = model.config.embeddingDim;
  const reward = new Float64Array(n);
  const pscore = new Float64Array(n);
  const pTarget = new Float64Array(n);
  const qHatFactual = new Float64Array(n);
  const qHatPolicy = new Float64Array(n);
  const itemEmb = new Map<number, Float32Array>();
  for (const [snap, inputs] of set.itemInputs) itemEmb.set(snap, model.embed('item', inputs, K));
  const userEmb = model.embed('user', set.userInputs, set.requests.length);
  const scorer = new BatchScorer(model);
  const scores = new Float32Array(K);
  const inSet = new Uint8Array(n);
  for (let k = 0; k < set.requests.length; k++) {
    if (k % 256 === 255) await pause();
    const q = set.requests[k] as EvalRequest;
    scorer.score(userEmb.subarray(k * e, (k + 1) * e), set.contexts.subarray(k * C, (k + 1) * C), itemEmb.get(q.snapshot) as Float32Array, K, scores);
    const L = Math.min(q.slateLen, K);
    const m = epsilonGreedyMarginals(scores, L, o.epsilon);
    // Σ_a π_e(a at j) q̂(a), per position
    const policyValue = new Float64Array(L);
    for (let a = 0; a < K; a++) for (let j = 0; j < L; j++) policyValue[j] = (policyValue[j] as number) + (m.p[a * L + j] as number) * (scores[a] as number);
    for (const t of q.rows) {
      const r = set.rows[t] as LoggedImpression;
      const a = set.actionIndex.get(r.itemId);
      reward[t] = r.reward;
      pscore[t] = r.propensity;
      // an item outside the action set: the evaluated policy never shows it (w = 0, no DR correction)
      pTarget[t] = a !== undefined && r.position < L ? (m.p[a * L + r.position] as number) : 0;
      qHatFactual[t] = a !== undefined ? (scores[a] as number) : 0;
      qHatPolicy[t] = r.position < L ? (policyValue[r.position] as number) : 0;
      if (a !== undefined) inSet[t] = 1;
    }
  }
  await pause();
  const ci = bootstrapConfidenceIntervals(
    { reward, pscore, pTarget, qHatFactual, qHatPolicy },
    { nResamples: o.nResamples, alpha: o.alpha, seed: o.seed, reliability: { maxMeanWeightDeviation: meanWeightTolerance(pTarget, pscore) } },
  );
  const scored = Array.from({ length: n }, (_, t) => t).filter((t) => inSet[t]);
  return {
    holdout: holdoutMetrics(
      scored.map((t) => qHatFactual[t] as number),
      scored.map((t) => reward[t] as number),
    ),
    ope: { rows: n, dr: ci.dr, snips: ci.snips, ips: ci.ips, dm: ci.dm, diagnostics: ci.diagnostics, warnings: [...ci.warnings], reliable: ci.reliable },
    requests: set.requests.length,
    actions: K,
    epsilon: o.epsilon,
  };
}

/**
 * How far mean(w) may be from 1 before the diagnostics warn: E[w] = 1 when the logging policy
 * covers the target's support, so the check is a test of that — it warns when the deviation is
 * both over recsys-domain's default 0.1 and over 3 standard errors of mean(w) (on 2,000 rows of
 * uniform logging over 16 items, one standard error is ≈ 0.09: a fixed 0.1 would cry wolf).
 */
export function meanWeightTolerance(pTarget: ArrayLike<number>, pscore: ArrayLike<number>): number {
  const n = pTarget.length;
  if (n < 2) return 0.1;
  let s = 0;
  let s2 = 0;
  for (let t = 0; t < n; t++) {
    const w = (pTarget[t] as number) / (pscore[t] as number);
    s += w;
    s2 += w * w;
  }
  const mean = s / n;
  const sd = Math.sqrt(Math.max(0, (s2 - n * mean * mean) / (n - 1)));
  return Math.max(0.1, (3 * sd) / Math.sqrt(n));
}

/** The logging policy's observed value on these rows: their mean reward. */
export function loggedValue(set: EvalSet): number {
  let s = 0;
  for (const r of set.rows) s += r.reward;
  return set.rows.length ? s / set.rows.length : NaN;
}

export function holdoutMetrics(p: ArrayLike<number>, y: ArrayLike<number>): HoldoutMetrics {
  const n = y.length;
  let ctr = 0;
  let mean = 0;
  for (let t = 0; t < n; t++) {
    ctr += y[t] as number;
    mean += p[t] as number;
  }
  return { rows: n, ctr: n ? ctr / n : NaN, meanPrediction: n ? mean / n : NaN, logLoss: logLoss(p, y), auc: binaryAuc(p, y) };
}

/** Mean binary cross-entropy, probabilities clipped to [1e-7, 1 − 1e-7]. */
export function logLoss(p: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = y.length;
  if (!n) return NaN;
  let s = 0;
  for (let t = 0; t < n; t++) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[t] as number));
    s -= (y[t] as number) > 0.5 ? Math.log(q) : Math.log(1 - q);
  }
  return s / n;
}

/** ROC AUC by the rank-sum (Mann–Whitney) statistic, ties sharing their average rank; null without both classes. */
export function binaryAuc(p: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (p[a] as number) - (p[b] as number));
  let pos = 0;
  let rankSum = 0;
  for (let s = 0; s < n; ) {
    let e = s + 1;
    while (e < n && p[order[e] as number] === p[order[s] as number]) e++;
    const avgRank = (s + 1 + e) / 2;
    for (let t = s; t < e; t++) {
      if ((y[order[t] as number] as number) > 0.5) {
        pos++;
        rankSum += avgRank;
      }
    }
    s = e;
  }
  const neg = n - pos;
  if (!pos || !neg) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
