import { Rng } from '../random';

export interface SyntheticBanditConfig {
  readonly nActions: number;
  readonly dimContext: number;
  /** Inverse temperature of the logging policy softmax(β · q(x, ·)); β < 0 logs a poor policy. */
  readonly beta: number;
  /** Per round, this many actions (chosen at random) get zero logging probability. Default 0. */
  readonly nDeficientActions?: number;
  /** Seeds the reward-function coefficients and the sampling stream. */
  readonly seed: number;
}

/** A batch of logged bandit feedback with its ground truth (row-major n×K matrices). */
export interface SyntheticBatch {
  readonly n: number;
  readonly nActions: number;
  readonly dimContext: number;
  /** n × dimContext, N(0, I). */
  readonly context: Float64Array;
  readonly action: Int32Array;
  readonly reward: Float64Array;
  /** π_b(a_i | x_i). */
  readonly pscore: Float64Array;
  /** n × K true expected reward q(x, a). */
  readonly expectedReward: Float64Array;
  /** n × K logging policy π_b(· | x). */
  readonly piB: Float64Array;
}

/**
 * Port of OBP's `SyntheticBanditDataset` with `logistic_reward_function` (one-hot action
 * context, degree-1 polynomial features with a bias column):
 *
 *   logit(x, a) = c·x̃ + α·ẽ_a + x̃ᵀ M ẽ_a,   x̃ = [1, x], ẽ_a = [1, onehot(a)],
 *   c, α, M ~ U(−1, 1) drawn once from the seed,
 *   q(x, a) = σ(z-score of the logits over the batch),
 *   π_b(· | x) = softmax(β q(x, ·)) (deficient actions get 0), a ~ π_b, r ~ Bernoulli(q(x, a)).
 *
 * Our PRNG is not numpy's, so samples differ from OBP's draw for draw; the distribution is the same.
 */
export class SyntheticBanditDataset {
  readonly nActions: number;
  readonly dimContext: number;
  readonly beta: number;
  readonly nDeficientActions: number;
  private readonly contextCoef: Float64Array;
  private readonly actionCoef: Float64Array;
  /** (d+1) × (K+1). */
  private readonly interactionCoef: Float64Array;
  private readonly rng: Rng;

  constructor(config: SyntheticBanditConfig) {
    const { nActions, dimContext, beta } = config;
    if (!(nActions > 1) || !(dimContext > 0)) throw new RangeError('need nActions > 1 and dimContext > 0');
    this.nActions = nActions;
    this.dimContext = dimContext;
    this.beta = beta;
    this.nDeficientActions = config.nDeficientActions ?? 0;
    if (this.nDeficientActions < 0 || this.nDeficientActions >= nActions) {
      throw new RangeError('nDeficientActions must be in [0, nActions)');
    }
    const coefRng = new Rng(config.seed);
    const u = (len: number): Float64Array => Float64Array.from({ length: len }, () => 2 * coefRng.nextDouble() - 1);
    this.contextCoef = u(dimContext + 1);
    this.actionCoef = u(nActions + 1);
    this.interactionCoef = u((dimContext + 1) * (nActions + 1));
    this.rng = new Rng(config.seed ^ 0x5bd1e995);
  }

  /** True expected rewards q(x, a) for a batch of contexts (n × K, row-major). */
  expectedReward(context: Float64Array, n: number): Float64Array {
    const d = this.dimContext;
    const k = this.nActions;
    const ka = k + 1;
    const logits = new Float64Array(n * k);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      // x̃ = [1, x_i]
      let ctxVal = this.contextCoef[0];
      for (let j = 0; j < d; j++) ctxVal += this.contextCoef[j + 1] * context[i * d + j];
      for (let a = 0; a < k; a++) {
        // x̃ᵀ M ẽ_a = Σ_j x̃_j (M[j, 0] + M[j, a + 1])
        let inter = this.interactionCoef[0] + this.interactionCoef[a + 1];
        for (let j = 0; j < d; j++) {
          inter += context[i * d + j] * (this.interactionCoef[(j + 1) * ka] + this.interactionCoef[(j + 1) * ka + a + 1]);
        }
        const v = ctxVal + this.actionCoef[0] + this.actionCoef[a + 1] + inter;
        logits[i * k + a] = v;
        sum += v;
      }
    }
    const m = sum / logits.length;
    let ss = 0;
    for (let t = 0; t < logits.length; t++) ss += (logits[t] - m) * (logits[t] - m);
    const sd = Math.sqrt(ss / logits.length) || 1;
    for (let t = 0; t < logits.length; t++) logits[t] = 1 / (1 + Math.exp(-(logits[t] - m) / sd));
    return logits;
  }

  /** Draws n rounds of logged feedback. */
  obtainBatch(n: number): SyntheticBatch {
    const { dimContext: d, nActions: k, rng } = this;
    const context = new Float64Array(n * d);
    for (let t = 0; t < context.length; t++) context[t] = rng.normal();
    const q = this.expectedReward(context, n);
    const piB = new Float64Array(n * k);
    const action = new Int32Array(n);
    const reward = new Float64Array(n);
    const pscore = new Float64Array(n);
    const order = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const row = i * k;
      let max = -Infinity;
      for (let a = 0; a < k; a++) max = Math.max(max, this.beta * q[row + a]);
      for (let a = 0; a < k; a++) order[a] = a;
      if (this.nDeficientActions > 0) rng.shuffle(order);
      let z = 0;
      for (let t = 0; t < k; t++) {
        const a = order[t];
        const e = t < k - this.nDeficientActions ? Math.exp(this.beta * q[row + a] - max) : 0;
        piB[row + a] = e;
        z += e;
      }
      for (let a = 0; a < k; a++) piB[row + a] /= z;
      const a = rng.categorical(piB, row, k);
      action[i] = a;
      pscore[i] = piB[row + a];
      reward[i] = rng.bernoulli(q[row + a]);
    }
    return { n, nActions: k, dimContext: d, context, action, reward, pscore, expectedReward: q, piB };
  }
}

/** Ground-truth policy value V = mean_i Σ_a π_e(a | x_i) q(x_i, a). */
export function groundTruthPolicyValue(expectedReward: Float64Array, actionDist: Float64Array, n: number, k: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < k; a++) s += actionDist[i * k + a] * expectedReward[i * k + a];
    v += s;
  }
  return v / n;
}
