import { OpeAccumulator } from './accumulator';
import { columnsFromActionDist, type ActionTensor, type LoggedFeedback } from './columns';
import type { OpeEstimates, OpeOptions } from './types';

/**
 * Every estimator straight from OBP's inputs (`action_dist` and q̂ as `[n, nActions, lenList]`
 * tensors) in one pass: each row's π_e(a_i), q̂(a_i) and Σ_a π_e q̂ go into the accumulator as
 * they are computed, instead of being written to three columns and read back
 * (`estimatePolicyValue(columnsFromActionDist(…))`, same numbers). The job is bound by reading
 * the two tensors; skipping the columns saves their write and re-read. Use
 * {@link columnsFromActionDist} when the columns are needed again (bootstrap CIs).
 */
export function estimateFromActionDist(logged: LoggedFeedback, actionDist: ActionTensor, qHat?: ActionTensor, options: OpeOptions = {}): OpeEstimates {
  const { nActions, lenList } = actionDist;
  if (!qHat || lenList !== 1) {
    // the general shape goes through the columns (validation and strided reads live there)
    const acc = new OpeAccumulator(options);
    acc.addColumns(columnsFromActionDist(logged, actionDist, qHat));
    return acc.estimate();
  }
  const n = logged.action.length;
  if (actionDist.data.length !== n * nActions) throw new RangeError('actionDist has the wrong size');
  if (qHat.nActions !== nActions || qHat.lenList !== 1 || qHat.data.length !== actionDist.data.length) {
    throw new RangeError('qHat must have the same shape as actionDist');
  }
  const { action, position, reward, pscore } = logged;
  for (let i = 0; i < n; i++) {
    const a = action[i];
    if (a < 0 || a >= nActions) throw new RangeError(`action ${a} out of range [0, ${nActions}) at row ${i}`);
    if (position && position[i] !== 0) throw new RangeError(`position ${position[i]} out of range [0, 1) at row ${i}`);
    const p = pscore[i];
    if (!(p > 0)) throw new RangeError(`propensity must be > 0 at row ${i}, got ${p}`);
  }
  const acc = new OpeAccumulator(options);
  const pd = actionDist.data;
  const qd = qHat.data;
  for (let i = 0, base = 0; i < n; i++, base += nActions) {
    const j = base + action[i];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t = base;
    const end4 = base + nActions - (nActions % 4);
    for (; t < end4; t += 4) {
      s0 += pd[t] * qd[t];
      s1 += pd[t + 1] * qd[t + 1];
      s2 += pd[t + 2] * qd[t + 2];
      s3 += pd[t + 3] * qd[t + 3];
    }
    for (const end = base + nActions; t < end; t++) s0 += pd[t] * qd[t];
    acc.add(pscore[i], reward[i], pd[j], qd[j], s0 + s1 + (s2 + s3));
  }
  return acc.estimate();
}
