/**
 * Columnar logged bandit data for off-policy evaluation (OPE). One row per logged impression
 * (per position for slates, as OBP does: π_e(a|x, k) is evaluated at the logged position k).
 */
export interface OpeColumns {
  /** Observed reward r_i. */
  readonly reward: Float64Array;
  /** Logging propensity π_b(a_i | x_i, k_i). Must be > 0. */
  readonly pscore: Float64Array;
  /** Target-policy probability π_e(a_i | x_i, k_i) of the logged action. */
  readonly pTarget: Float64Array;
  /** Reward model at the logged action, q̂(x_i, a_i, k_i). Needed by DM/DR-family estimators. */
  readonly qHatFactual?: Float64Array;
  /** Reward model averaged over the target policy, Σ_a π_e(a | x_i, k_i) q̂(x_i, a, k_i). */
  readonly qHatPolicy?: Float64Array;
}

/** Hyper-parameters of the estimators (OBP names in brackets). */
export interface OpeOptions {
  /** IPS weight clip λ (`lambda_` of InverseProbabilityWeighting). Default ∞. */
  readonly ipsClip?: number;
  /** DR weight clip λ (`lambda_` of DoublyRobust). Default ∞. */
  readonly drClip?: number;
  /** Switch-DR threshold: the correction is used only where w ≤ λ. Default ∞ (= DR). */
  readonly switchLambda?: number;
  /** DRos shrinkage λ: ŵ = λw / (w² + λ). Default ∞ (= DR); 0 gives DM. */
  readonly drosLambda?: number;
  /** Reliability thresholds for the diagnostics' warning. */
  readonly reliability?: ReliabilityThresholds;
}

export interface ReliabilityThresholds {
  /** Minimum effective sample size (Σw)² / Σw². Default 100. */
  readonly minEss?: number;
  /** Minimum ESS / n. Default 0.01. */
  readonly minEssFraction?: number;
  /** Maximum share of Σw held by the single largest weight. Default 0.05. */
  readonly maxWeightShare?: number;
  /** Maximum |mean(w) − 1| (E[w] = 1 when π_b covers π_e's support). Default 0.1. */
  readonly maxMeanWeightDeviation?: number;
}

export interface WeightDiagnostics {
  readonly n: number;
  readonly sumWeight: number;
  readonly meanWeight: number;
  readonly maxWeight: number;
  /** Kish effective sample size (Σw)² / Σw². */
  readonly ess: number;
  readonly essFraction: number;
  /** maxWeight / Σw: how much of the estimate one row can move. */
  readonly maxWeightShare: number;
  /** False when any warning fired. */
  readonly reliable: boolean;
  readonly warnings: readonly string[];
}

export const ESTIMATOR_NAMES = ['ips', 'snips', 'dm', 'dr', 'sndr', 'switchDr', 'drOs'] as const;
export type EstimatorName = (typeof ESTIMATOR_NAMES)[number];

/** Point estimates. DM-family entries are NaN when no reward model was supplied. */
export type OpeEstimates = Record<EstimatorName, number> & { readonly diagnostics: WeightDiagnostics };

export interface ConfidenceInterval {
  /** Point estimate on the full sample. */
  readonly estimate: number;
  /** Mean of the bootstrap replicates (what OBP reports as "mean"). */
  readonly bootstrapMean: number;
  readonly lower: number;
  readonly upper: number;
}
