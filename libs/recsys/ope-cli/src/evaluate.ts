import {
  bootstrapConfidenceIntervals,
  columnsFromActionDist,
  ESTIMATOR_NAMES,
  estimatePolicyValue,
  type EstimatorName,
  type OpeColumns,
  type OpeOptions,
  type WeightDiagnostics,
} from '@frontier/recsys-domain';
import { loggedMean, type LoggedData, type SourceInfo } from './data';
import type { EvaluationPolicy } from './policies';
import type { ItemPositionModel } from './reward-model';

/** Rows per `columnsFromActionDist` call for dense policies: bounds the `[rows, nActions, lenList]` buffers. */
const DENSE_CELLS_PER_CHUNK = 1 << 20;

/**
 * The estimators' columns for one policy: π_e of the logged action and, with a reward model,
 * q̂ at the logged action and Σ_a π_e(a) q̂(a). Dense policies go through the domain's
 * `columnsFromActionDist` chunk by chunk; table and sparse ones compute the same sums directly
 * (a context-free table is the same for every row, so materialising `[n, nActions, lenList]`
 * would only cost memory).
 */
export function policyColumns(data: LoggedData, policy: EvaluationPolicy, model?: ItemPositionModel, denseCellsPerChunk = DENSE_CELLS_PER_CHUNK): OpeColumns {
  const { reward, pscore, action, position, nActions, lenList } = data;
  const n = reward.length;
  const dist = policy.distribution;
  if (dist.kind === 'logged') return { reward, pscore, pTarget: pscore };
  const pTarget = new Float64Array(n);
  const qHatFactual = model ? new Float64Array(n) : undefined;
  const qHatPolicy = model ? new Float64Array(n) : undefined;
  switch (dist.kind) {
    case 'table': {
      const t = dist.table;
      // Σ_a π_e(a|k) q̂_f(a,k), once per fold and position
      const qp = model ? model.tables.map((q) => Float64Array.from({ length: lenList }, (_, k) => dot(t, q, nActions, lenList, k))) : [];
      for (let i = 0; i < n; i++) {
        const c = action[i] * lenList + position[i];
        pTarget[i] = t[c];
        if (model && qHatFactual && qHatPolicy) {
          const f = model.foldOf[i];
          qHatFactual[i] = model.tables[f][c];
          qHatPolicy[i] = qp[f][position[i]];
        }
      }
      break;
    }
    case 'dense': {
      const block = nActions * lenList;
      const chunk = Math.max(1, Math.floor(denseCellsPerChunk / block));
      const p = new Float64Array(Math.min(chunk, n) * block);
      const q = model ? new Float64Array(p.length) : undefined;
      for (let s = 0; s < n; s += chunk) {
        const e = Math.min(n, s + chunk);
        const rows = e - s;
        const pView = p.subarray(0, rows * block);
        dist.fill(s, e, pView);
        let qView: Float64Array | undefined;
        if (model && q) {
          qView = q.subarray(0, rows * block);
          for (let i = s; i < e; i++) qView.set(model.tables[model.foldOf[i]], (i - s) * block);
        }
        const cols = columnsFromActionDist(
          { action: action.subarray(s, e), position: position.subarray(s, e), reward: reward.subarray(s, e), pscore: pscore.subarray(s, e) },
          { data: pView, nActions, lenList },
          qView ? { data: qView, nActions, lenList } : undefined,
        );
        pTarget.set(cols.pTarget, s);
        if (qHatFactual && cols.qHatFactual) qHatFactual.set(cols.qHatFactual, s);
        if (qHatPolicy && cols.qHatPolicy) qHatPolicy.set(cols.qHatPolicy, s);
      }
      break;
    }
    case 'sparse': {
      for (let i = 0; i < n; i++) {
        const { actions, probs } = dist.row(i);
        const k = position[i];
        const qt = model ? model.tables[model.foldOf[i]] : undefined;
        let pt = 0;
        let qs = 0;
        for (let b = 0; b < actions.length; b++) {
          if (actions[b] === action[i]) pt += probs[b];
          if (qt) qs += probs[b] * qt[actions[b] * lenList + k];
        }
        pTarget[i] = pt;
        if (qt && qHatFactual && qHatPolicy) {
          qHatFactual[i] = qt[action[i] * lenList + k];
          qHatPolicy[i] = qs;
        }
      }
      break;
    }
  }
  return { reward, pscore, pTarget, qHatFactual, qHatPolicy };
}

function dot(t: Float64Array, q: Float64Array, nActions: number, lenList: number, k: number): number {
  let s = 0;
  for (let a = 0; a < nActions; a++) s += t[a * lenList + k] * q[a * lenList + k];
  return s;
}

export interface EstimateRow {
  readonly estimator: EstimatorName;
  readonly estimate: number;
  /** Bootstrap interval (NaN without --bootstrap or for estimators that need a reward model). */
  readonly lower: number;
  readonly upper: number;
  readonly bootstrapMean: number;
}

export interface PolicyResult {
  readonly name: string;
  readonly description: string;
  /** Importance-weight diagnostics of the full sample (ESS, max and mean weight, their warnings). */
  readonly diagnostics: WeightDiagnostics;
  /** The diagnostics' warnings, then any the bootstrap adds (e.g. too few replicates beyond a bound). */
  readonly warnings: readonly string[];
  /** False when any warning fired: read the estimates as unreliable. */
  readonly reliable: boolean;
  readonly estimates: readonly EstimateRow[];
}

export interface EvaluationSettings extends OpeOptions {
  readonly bootstrap: number;
  readonly alpha: number;
  readonly seed: number;
}

export interface EvaluationReport {
  readonly source: SourceInfo;
  readonly rows: number;
  readonly actions: number;
  readonly positions: number;
  readonly loggedMean: number;
  readonly rewardModel: string | null;
  readonly settings: EvaluationSettings;
  readonly policies: readonly PolicyResult[];
}

export interface EvaluateHooks {
  /** Called before each policy's bootstrap and once at the end (done = policies finished). */
  readonly onPolicy?: (done: number, total: number, name: string) => void | Promise<void>;
}

/** Point estimates, diagnostics and bootstrap intervals of every policy with every estimator. */
export async function evaluatePolicies(
  data: LoggedData,
  policies: readonly EvaluationPolicy[],
  settings: EvaluationSettings,
  model: ItemPositionModel | undefined,
  hooks: EvaluateHooks = {},
): Promise<EvaluationReport> {
  const results: PolicyResult[] = [];
  const ope: OpeOptions = { ipsClip: settings.ipsClip, drClip: settings.drClip, switchLambda: settings.switchLambda, drosLambda: settings.drosLambda };
  for (const [p, policy] of policies.entries()) {
    await hooks.onPolicy?.(p, policies.length, policy.name);
    const columns = policyColumns(data, policy, model);
    const point = estimatePolicyValue(columns, ope);
    const ci = settings.bootstrap > 0 ? bootstrapConfidenceIntervals(columns, { ...ope, nResamples: settings.bootstrap, alpha: settings.alpha, seed: settings.seed }) : undefined;
    const hasModel = columns.qHatPolicy !== undefined;
    // the bootstrap repeats the diagnostics' warnings and adds its own (too few replicates beyond a bound)
    const bootstrapWarnings = ci?.warnings ?? [];
    const warnings = [...new Set([...point.diagnostics.warnings, ...bootstrapWarnings])];
    const estimators = ESTIMATOR_NAMES.filter((e) => hasModel || e === 'ips' || e === 'snips');
    results.push({
      name: policy.name,
      description: policy.description,
      diagnostics: point.diagnostics,
      warnings,
      reliable: warnings.length === 0,
      estimates: estimators.map((estimator) => ({
        estimator,
        estimate: point[estimator],
        lower: ci ? ci[estimator].lower : NaN,
        upper: ci ? ci[estimator].upper : NaN,
        bootstrapMean: ci ? ci[estimator].bootstrapMean : NaN,
      })),
    });
  }
  await hooks.onPolicy?.(policies.length, policies.length, '');
  return {
    source: data.source,
    rows: data.reward.length,
    actions: data.nActions,
    positions: data.lenList,
    loggedMean: loggedMean(data),
    rewardModel: model ? `item-position mean reward, ${model.folds}-fold cross-fitted (prior strength ${model.priorStrength})` : null,
    settings,
    policies: results,
  };
}
