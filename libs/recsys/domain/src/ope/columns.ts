import type { OpeColumns } from './types';

/** Logged rows as OBP's bandit feedback: action, optional 0-based position, reward, pscore. */
export interface LoggedFeedback {
  readonly action: Int32Array;
  readonly reward: Float64Array;
  readonly pscore: Float64Array;
  /** 0-based slot index for slates; omitted means a single position. */
  readonly position?: Int32Array;
}

/**
 * A dense `[n, nActions, lenList]` tensor laid out row-major (index `(i * nActions + a) * lenList + k`),
 * the shape OBP uses for `action_dist` and `estimated_rewards_by_reg_model`.
 */
export interface ActionTensor {
  readonly data: Float64Array;
  readonly nActions: number;
  readonly lenList: number;
}

/**
 * Reduces OBP-shaped inputs to the per-row columns the estimators need: π_e(a_i|x_i,k_i),
 * q̂(x_i,a_i,k_i) and Σ_a π_e(a|x_i,k_i) q̂(x_i,a,k_i). O(n · nActions) once; every estimator and
 * every bootstrap resample afterwards is O(n).
 */
export function columnsFromActionDist(
  logged: LoggedFeedback,
  actionDist: ActionTensor,
  qHat?: ActionTensor,
): OpeColumns {
  const n = logged.action.length;
  const { nActions, lenList } = actionDist;
  if (actionDist.data.length !== n * nActions * lenList) throw new RangeError('actionDist has the wrong size');
  if (qHat && (qHat.nActions !== nActions || qHat.lenList !== lenList || qHat.data.length !== actionDist.data.length)) {
    throw new RangeError('qHat must have the same shape as actionDist');
  }
  const pTarget = new Float64Array(n);
  const qHatFactual = qHat ? new Float64Array(n) : undefined;
  const qHatPolicy = qHat ? new Float64Array(n) : undefined;
  const pd = actionDist.data;
  for (let i = 0; i < n; i++) {
    const a = logged.action[i];
    const k = logged.position ? logged.position[i] : 0;
    checkSlot(a, k, nActions, lenList, i);
    const base = i * nActions * lenList + k;
    pTarget[i] = pd[base + a * lenList];
    if (qHat && qHatFactual && qHatPolicy) {
      const qd = qHat.data;
      qHatFactual[i] = qd[base + a * lenList];
      let s = 0;
      for (let b = 0; b < nActions; b++) s += pd[base + b * lenList] * qd[base + b * lenList];
      qHatPolicy[i] = s;
    }
  }
  return { reward: logged.reward, pscore: logged.pscore, pTarget, qHatFactual, qHatPolicy };
}

/** The action count (and slate length) a context-free target policy is defined over. */
export interface StaticPolicyShape {
  /** Number of actions the policy covers: logged actions must lie in [0, nActions). */
  readonly nActions: number;
  /** Number of slate positions; logged positions must lie in [0, lenList). Default 1. */
  readonly lenList?: number;
}

/**
 * Columns for a context-free target policy given as one probability per (action, position).
 * `shape` says which (action, position) pairs the policy is defined on: a logged action or
 * position outside it is a RangeError, as in `columnsFromActionDist` (a policy function would
 * otherwise answer for items it does not know, e.g. 1/34 for item 40 of a 46-item campaign, and
 * the estimate would be silently wrong). Each answer must be a probability in [0, 1].
 */
export function columnsForStaticPolicy(
  logged: LoggedFeedback,
  policy: (action: number, position: number) => number,
  shape: StaticPolicyShape,
): OpeColumns {
  const { nActions } = shape;
  const lenList = shape.lenList ?? 1;
  if (!(Number.isInteger(nActions) && nActions > 0)) throw new RangeError(`nActions must be a positive integer, got ${nActions}`);
  if (!(Number.isInteger(lenList) && lenList > 0)) throw new RangeError(`lenList must be a positive integer, got ${lenList}`);
  const n = logged.action.length;
  const pTarget = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = logged.action[i];
    const k = logged.position ? logged.position[i] : 0;
    checkSlot(a, k, nActions, lenList, i);
    const p = policy(a, k);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`policy gave ${p} for action ${a} at position ${k} (row ${i}): not a probability`);
    pTarget[i] = p;
  }
  return { reward: logged.reward, pscore: logged.pscore, pTarget };
}

function checkSlot(a: number, k: number, nActions: number, lenList: number, row: number): void {
  if (a < 0 || a >= nActions) throw new RangeError(`action ${a} out of range [0, ${nActions}) at row ${row}`);
  if (k < 0 || k >= lenList) throw new RangeError(`position ${k} out of range [0, ${lenList}) at row ${row}`);
}
