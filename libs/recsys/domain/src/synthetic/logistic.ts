import { minimizeLbfgs } from '../linalg/lbfgs';
import { Rng } from '../random';

/**
 * Reward model q̂(x, a) = σ(w·x + b_a + c): logistic regression on [x, onehot(a)], as OBP's
 * `RegressionModel(fitting_method="normal", base_model=LogisticRegression(C=100))` with its one-hot
 * `action_context`. Objective ½‖w‖² + C Σ logloss (scikit-learn's; intercept not penalised).
 */
export interface LogisticRewardModel {
  readonly dimContext: number;
  readonly nActions: number;
  /** [w (d), b (K), c]. */
  readonly weights: Float64Array;
}

export function fitLogisticRewardModel(
  context: Float64Array,
  action: Int32Array,
  reward: Float64Array,
  rows: Int32Array,
  dimContext: number,
  nActions: number,
  C = 100,
): LogisticRewardModel {
  const d = dimContext;
  const p = d + nActions + 1;
  const res = minimizeLbfgs(
    (w, g) => {
      g.fill(0);
      let loss = 0;
      for (let t = 0; t < rows.length; t++) {
        const i = rows[t];
        const a = action[i];
        let z = w[d + a] + w[p - 1];
        for (let j = 0; j < d; j++) z += w[j] * context[i * d + j];
        const y = reward[i];
        // stable log(1 + e^{−z}) / log(1 + e^{z})
        loss += z > 0 ? Math.log1p(Math.exp(-z)) + (1 - y) * z : Math.log1p(Math.exp(z)) - y * z;
        const err = 1 / (1 + Math.exp(-z)) - y;
        for (let j = 0; j < d; j++) g[j] += err * context[i * d + j];
        g[d + a] += err;
        g[p - 1] += err;
      }
      let reg = 0;
      for (let j = 0; j < p; j++) {
        g[j] *= C;
        if (j < p - 1) {
          reg += 0.5 * w[j] * w[j];
          g[j] += w[j];
        }
      }
      return C * loss + reg;
    },
    new Float64Array(p),
    { maxIterations: 1000, gradTol: 1e-8 },
  );
  return { dimContext: d, nActions, weights: res.x };
}

/** q̂(x_i, a) for every row and action (n × K, row-major). */
export function predictLogisticRewardModel(model: LogisticRewardModel, context: Float64Array, n: number): Float64Array {
  const { dimContext: d, nActions: k, weights: w } = model;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let base = w[d + k];
    for (let j = 0; j < d; j++) base += w[j] * context[i * d + j];
    for (let a = 0; a < k; a++) out[i * k + a] = 1 / (1 + Math.exp(-(base + w[d + a])));
  }
  return out;
}

/**
 * K-fold cross-fitting (OBP's `fit_predict(n_folds=3)`): rows are shuffled into folds, and each
 * fold's q̂ comes from a model fitted on the other folds, so no row is scored by a model that saw it.
 */
export function crossFitRewardModel(
  context: Float64Array,
  action: Int32Array,
  reward: Float64Array,
  n: number,
  dimContext: number,
  nActions: number,
  options: { folds?: number; seed?: number; C?: number } = {},
): Float64Array {
  const folds = options.folds ?? 3;
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  new Rng(options.seed ?? 12345).shuffle(perm);
  const out = new Float64Array(n * nActions);
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let t = 0; t < n; t++) (t % folds === f ? test : train).push(perm[t]);
    const model = fitLogisticRewardModel(context, action, reward, Int32Array.from(train), dimContext, nActions, options.C);
    const testCtx = new Float64Array(test.length * dimContext);
    test.forEach((i, r) => testCtx.set(context.subarray(i * dimContext, (i + 1) * dimContext), r * dimContext));
    const q = predictLogisticRewardModel(model, testCtx, test.length);
    test.forEach((i, r) => out.set(q.subarray(r * nActions, (r + 1) * nActions), i * nActions));
  }
  return out;
}

/**
 * Port of OBP's `IPWLearner(base_classifier=LogisticRegression(C=100))` followed by
 * `predict_proba(tau=1)`: a multinomial logistic regression of the logged action on the context
 * with sample weights r/π_b, then π_e(· | x) = softmax(classifier probabilities / τ). Because the
 * classifier probabilities lie in [0, 1], the resulting π_e is a mild tilt of the uniform policy.
 */
export interface IpwLearnerPolicy {
  readonly dimContext: number;
  readonly nActions: number;
  /** K × (d + 1): per-class [w, bias]. */
  readonly weights: Float64Array;
}

export function fitIpwLearner(
  context: Float64Array,
  action: Int32Array,
  reward: Float64Array,
  pscore: Float64Array,
  n: number,
  dimContext: number,
  nActions: number,
  C = 100,
): IpwLearnerPolicy {
  const d = dimContext;
  const k = nActions;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (reward[i] !== 0) rows.push(i);
  const probs = new Float64Array(k);
  const res = minimizeLbfgs(
    (w, g) => {
      g.fill(0);
      let loss = 0;
      for (const i of rows) {
        const sw = reward[i] / pscore[i];
        softmaxRow(w, context, i, d, k, probs);
        const a = action[i];
        loss -= sw * Math.log(Math.max(probs[a], 1e-300));
        for (let c = 0; c < k; c++) {
          const err = sw * (probs[c] - (c === a ? 1 : 0));
          const o = c * (d + 1);
          for (let j = 0; j < d; j++) g[o + j] += err * context[i * d + j];
          g[o + d] += err;
        }
      }
      let reg = 0;
      for (let c = 0; c < k; c++) {
        for (let j = 0; j <= d; j++) {
          const t = c * (d + 1) + j;
          g[t] *= C;
          if (j < d) {
            reg += 0.5 * w[t] * w[t];
            g[t] += w[t];
          }
        }
      }
      return C * loss + reg;
    },
    new Float64Array(k * (d + 1)),
    { maxIterations: 1000, gradTol: 1e-7 },
  );
  return { dimContext: d, nActions: k, weights: res.x };
}

/** π_e(· | x_i) = softmax(p(· | x_i) / τ) for every row (n × K). */
export function ipwLearnerActionDist(policy: IpwLearnerPolicy, context: Float64Array, n: number, tau = 1): Float64Array {
  const { dimContext: d, nActions: k, weights } = policy;
  const out = new Float64Array(n * k);
  const probs = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    softmaxRow(weights, context, i, d, k, probs);
    let z = 0;
    for (let a = 0; a < k; a++) {
      const e = Math.exp(probs[a] / tau);
      out[i * k + a] = e;
      z += e;
    }
    for (let a = 0; a < k; a++) out[i * k + a] /= z;
  }
  return out;
}

function softmaxRow(w: Float64Array, context: Float64Array, i: number, d: number, k: number, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) {
    const o = c * (d + 1);
    let z = w[o + d];
    for (let j = 0; j < d; j++) z += w[o + j] * context[i * d + j];
    out[c] = z;
    if (z > max) max = z;
  }
  let s = 0;
  for (let c = 0; c < k; c++) {
    out[c] = Math.exp(out[c] - max);
    s += out[c];
  }
  for (let c = 0; c < k; c++) out[c] /= s;
}
