import type { ConfidenceInterval, WeightDiagnostics } from '@frontier/recsys-domain';

/**
 * The eval gate's rule: a candidate is promoted only when, on the held-out requests of the recent
 * logs, it is shown not to be worse than the baseline (the live version's estimate on the same
 * rows; with no live version, the logging policy's observed value = mean reward).
 *
 * Promote ⇔ all of:
 *  1. data: at least `minRows` evaluated impressions;
 *  2. diagnostics: the candidate's estimate is reliable — recsys-domain's bootstrap warnings are
 *     all blocking: ESS < 100, ESS/n < 1 %, one row holding > 5 % of Σw, |mean w − 1| over both
 *     0.1 and 3 standard errors (evaluation.ts `meanWeightTolerance`), or fewer than 10 replicates
 *     beyond a bound;
 *  3. for each estimator in `estimators` (DR and SNIPS): the lower bound of the candidate's
 *     (1 − α) bootstrap interval ≥ baseline − δ, with δ = max(`absoluteTolerance`,
 *     `relativeTolerance` × |baseline|). A one-sided non-inferiority test at level α/2 with margin δ:
 *     a candidate no better than the live model passes only when the data are precise enough to
 *     show it is within δ; a clearly worse one never passes.
 */
export interface GateRule {
  minRows: number;
  relativeTolerance: number;
  absoluteTolerance: number;
  estimators: ReadonlyArray<'dr' | 'snips'>;
}

export const DEFAULT_GATE_RULE: GateRule = { minRows: 500, relativeTolerance: 0.05, absoluteTolerance: 0.002, estimators: ['dr', 'snips'] };

/** A policy's OPE on the held-out logs, as the gate reads it. */
export interface OpeSummary {
  rows: number;
  dr: ConfidenceInterval;
  snips: ConfidenceInterval;
  ips: ConfidenceInterval;
  dm: ConfidenceInterval;
  diagnostics: WeightDiagnostics;
  warnings: string[];
  reliable: boolean;
}

/** What the candidate is compared with. */
export interface GateBaseline {
  /** 'live': the live version's point estimates on the same rows; 'logging': the logs' mean reward. */
  source: 'live' | 'logging';
  versionId: string | null;
  version: number | null;
  dr: number;
  snips: number;
}

export interface GateCheck {
  name: string;
  passed: boolean;
  detail: string;
}

export interface GateDecision {
  promote: boolean;
  /** Why not (empty when promoted). */
  reasons: string[];
  checks: GateCheck[];
  rule: GateRule;
  baseline: GateBaseline;
}

const f = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));

export function gateTolerance(rule: GateRule, baseline: number): number {
  return Math.max(rule.absoluteTolerance, rule.relativeTolerance * Math.abs(baseline));
}

export function decideGate(candidate: OpeSummary, baseline: GateBaseline, rule: GateRule = DEFAULT_GATE_RULE): GateDecision {
  const checks: GateCheck[] = [];
  checks.push({ name: 'rows', passed: candidate.rows >= rule.minRows, detail: `${candidate.rows} held-out impressions (minimum ${rule.minRows})` });
  checks.push({
    name: 'diagnostics',
    passed: candidate.reliable,
    detail: candidate.reliable
      ? `ESS ${f(candidate.diagnostics.ess)}, max weight ${f(candidate.diagnostics.maxWeight)}: no warning`
      : `blocking diagnostic warning(s): ${candidate.warnings.join('; ')}`,
  });
  for (const name of rule.estimators) {
    const ci = candidate[name];
    const base = baseline[name];
    const delta = gateTolerance(rule, base);
    const bound = base - delta;
    const passed = Number.isFinite(ci.lower) && ci.lower >= bound;
    checks.push({
      name,
      passed,
      detail: `${name}: candidate ${f(ci.estimate)} [${f(ci.lower)}, ${f(ci.upper)}], lower bound ${passed ? '≥' : '<'} ${baseline.source} ${f(base)} − ${f(delta)} = ${f(bound)}`,
    });
  }
  const reasons = checks.filter((c) => !c.passed).map((c) => c.detail);
  return { promote: reasons.length === 0, reasons, checks, rule, baseline };
}
