import { drosWeight } from './accumulator';
import { studentTQuantile } from './stats';
import type { OpeColumns } from './types';

export type TunableEstimator = 'ips' | 'dr' | 'switchDr' | 'drOs';

export interface SlopeResult {
  readonly lambda: number;
  readonly estimate: number;
  /** Per candidate (in the order given): mean of the round rewards and its confidence width. */
  readonly candidates: readonly { lambda: number; estimate: number; width: number }[];
}

/**
 * SLOPE hyper-parameter selection (Su et al. 2020, as SLOPE++ in OBP's `*Tuning` estimators):
 * each candidate λ gives round rewards with mean θ_λ and width c_λ = t_{1−δ, n−1} · sd/√n.
 * Candidates are visited from the widest to the narrowest; a candidate is accepted while
 * |θ_j − θ_i| ≤ c_i + (√6 − 1) c_j for every accepted j, and the last accepted one wins.
 * All candidates are evaluated in one pass over the rows.
 */
export function slopeTune(
  columns: OpeColumns,
  estimator: TunableEstimator,
  lambdas: readonly number[],
  delta = 0.05,
): SlopeResult {
  const n = columns.reward.length;
  const m = lambdas.length;
  if (m === 0) throw new RangeError('lambdas must not be empty');
  const needsModel = estimator !== 'ips';
  const { qHatFactual: qf, qHatPolicy: qp } = columns;
  if (needsModel && (!qf || !qp)) throw new Error(`${estimator} needs qHatFactual and qHatPolicy`);
  const sum = new Float64Array(m);
  const sum2 = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const w = columns.pTarget[i] / columns.pscore[i];
    const r = columns.reward[i];
    const base = needsModel && qp ? qp[i] : 0;
    const resid = needsModel && qf ? r - qf[i] : r;
    for (let c = 0; c < m; c++) {
      const lam = lambdas[c];
      let wt: number;
      if (estimator === 'ips' || estimator === 'dr') wt = Math.min(w, lam);
      else if (estimator === 'switchDr') wt = w <= lam ? w : 0;
      else wt = drosWeight(w, lam);
      const v = base + wt * resid;
      sum[c] += v;
      sum2[c] += v * v;
    }
  }
  const tq = studentTQuantile(1 - delta, n - 1);
  const candidates = lambdas.map((lambda, c) => {
    const mu = sum[c] / n;
    const variance = Math.max(0, (sum2[c] - n * mu * mu) / (n - 1));
    return { lambda, estimate: mu, width: tq * Math.sqrt(variance / n) };
  });
  // widest first; ties keep the given order (OBP sorts lambdas descending beforehand)
  const order = candidates.map((_, i) => i).sort((a, b) => candidates[b].width - candidates[a].width || a - b);
  const accepted: number[] = [];
  for (const idx of order) {
    const ci = candidates[idx];
    const ok = accepted.every((j) => Math.abs(candidates[j].estimate - ci.estimate) <= ci.width + (Math.sqrt(6) - 1) * candidates[j].width);
    if (!ok) break;
    accepted.push(idx);
  }
  const best = candidates[accepted[accepted.length - 1]];
  return { lambda: best.lambda, estimate: best.estimate, candidates };
}
