import type { OpeColumns, OpeEstimates, OpeOptions, ReliabilityThresholds, WeightDiagnostics } from './types';

/**
 * Running sums behind every estimator. One pass over the rows feeds IPS, SNIPS, DM, DR, SNDR,
 * Switch-DR and DRos at once; the same object is the streaming form for logs that do not fit in
 * memory (`add(pLog, r, pTarget)` / `estimate()`, like Vowpal Wabbit's `add_example` / `get`),
 * and partial accumulators over shards `merge` exactly.
 *
 * With w = π_e/π_b:
 *   IPS    = mean(min(w, λ) r)              SNIPS = Σ w r / Σ w
 *   DM     = mean(q̂_π)                      DR    = mean(q̂_π + min(w, λ)(r − q̂))
 *   SNDR   = mean(q̂_π) + Σ w (r − q̂) / Σ w  Switch-DR = mean(q̂_π + 1[w ≤ λ] w (r − q̂))
 *   DRos   = mean(q̂_π + λw/(w² + λ) (r − q̂))
 */
export class OpeAccumulator {
  n = 0;
  nModel = 0;
  sumW = 0;
  sumW2 = 0;
  maxW = 0;
  sumIps = 0;
  sumWR = 0;
  sumDm = 0;
  sumDrCorr = 0;
  sumWResid = 0;
  sumSwitchCorr = 0;
  sumDrosCorr = 0;

  readonly ipsClip: number;
  readonly drClip: number;
  readonly switchLambda: number;
  readonly drosLambda: number;
  private readonly reliability: ReliabilityThresholds;

  constructor(options: OpeOptions = {}) {
    this.ipsClip = options.ipsClip ?? Infinity;
    this.drClip = options.drClip ?? Infinity;
    this.switchLambda = options.switchLambda ?? Infinity;
    this.drosLambda = options.drosLambda ?? Infinity;
    this.reliability = options.reliability ?? {};
    for (const [k, v] of Object.entries({
      ipsClip: this.ipsClip,
      drClip: this.drClip,
      switchLambda: this.switchLambda,
      drosLambda: this.drosLambda,
    })) {
      if (!(v >= 0)) throw new RangeError(`${k} must be >= 0, got ${v}`);
    }
  }

  /** Adds one logged row. `qHatFactual`/`qHatPolicy` enable the DM-family estimators. */
  add(pLog: number, reward: number, pTarget: number, qHatFactual?: number, qHatPolicy?: number): void {
    if (!(pLog > 0)) throw new RangeError(`propensity must be > 0, got ${pLog}`);
    const w = pTarget / pLog;
    this.addWeight(w, reward);
    if (qHatFactual !== undefined && qHatPolicy !== undefined) this.addModel(w, reward, qHatFactual, qHatPolicy);
  }

  /**
   * Adds rows [start, end) of columnar data. All propensities are checked first, so a bad row
   * leaves the accumulator as it was. The rows then go through the same per-row updates as `add`
   * (sums kept in fields): measured 2-2.5× faster on 1M rows than one loop over local sums,
   * whose dozen live floating-point values outgrow the registers.
   */
  addColumns(c: OpeColumns, start = 0, end = c.reward.length): void {
    const { reward, pscore, pTarget, qHatFactual, qHatPolicy } = c;
    for (let i = start; i < end; i++) {
      const p = pscore[i];
      if (!(p > 0)) throw new RangeError(`propensity must be > 0 at row ${i}, got ${p}`);
    }
    if (qHatFactual && qHatPolicy) {
      for (let i = start; i < end; i++) this.add(pscore[i], reward[i], pTarget[i], qHatFactual[i], qHatPolicy[i]);
    } else {
      for (let i = start; i < end; i++) this.add(pscore[i], reward[i], pTarget[i]);
    }
  }

  private addWeight(w: number, r: number): void {
    this.n++;
    this.sumW += w;
    this.sumW2 += w * w;
    if (w > this.maxW) this.maxW = w;
    this.sumWR += w * r;
    this.sumIps += Math.min(w, this.ipsClip) * r;
  }

  private addModel(w: number, r: number, qf: number, qp: number): void {
    const resid = r - qf;
    this.nModel++;
    this.sumDm += qp;
    this.sumDrCorr += Math.min(w, this.drClip) * resid;
    this.sumWResid += w * resid;
    if (w <= this.switchLambda) this.sumSwitchCorr += w * resid;
    this.sumDrosCorr += drosWeight(w, this.drosLambda) * resid;
  }

  /** Combines another accumulator built with the same options (e.g. one per shard). */
  merge(other: OpeAccumulator): this {
    if (
      other.ipsClip !== this.ipsClip ||
      other.drClip !== this.drClip ||
      other.switchLambda !== this.switchLambda ||
      other.drosLambda !== this.drosLambda
    ) {
      throw new Error('cannot merge accumulators built with different estimator options');
    }
    this.n += other.n;
    this.nModel += other.nModel;
    this.sumW += other.sumW;
    this.sumW2 += other.sumW2;
    this.maxW = Math.max(this.maxW, other.maxW);
    this.sumIps += other.sumIps;
    this.sumWR += other.sumWR;
    this.sumDm += other.sumDm;
    this.sumDrCorr += other.sumDrCorr;
    this.sumWResid += other.sumWResid;
    this.sumSwitchCorr += other.sumSwitchCorr;
    this.sumDrosCorr += other.sumDrosCorr;
    return this;
  }

  diagnostics(): WeightDiagnostics {
    return weightDiagnostics(this.n, this.sumW, this.sumW2, this.maxW, this.reliability);
  }

  estimate(): OpeEstimates {
    const n = this.n;
    const hasModel = this.nModel > 0;
    if (hasModel && this.nModel !== n) {
      throw new Error(`reward model given for ${this.nModel} of ${n} rows: give it for all or none`);
    }
    const dm = hasModel ? this.sumDm / n : NaN;
    return {
      ips: this.sumIps / n,
      snips: this.sumWR / this.sumW,
      dm,
      dr: hasModel ? dm + this.sumDrCorr / n : NaN,
      sndr: hasModel ? dm + this.sumWResid / this.sumW : NaN,
      switchDr: hasModel ? dm + this.sumSwitchCorr / n : NaN,
      drOs: hasModel ? dm + this.sumDrosCorr / n : NaN,
      diagnostics: this.diagnostics(),
    };
  }
}

/** DRos shrunk weight λw / (w² + λ); λ = ∞ gives w, λ = 0 gives 0, and w = 0 gives 0 (not 0/0 at λ = 0). */
export function drosWeight(w: number, lambda: number): number {
  if (lambda === Infinity) return w;
  if (w === 0) return 0;
  return (lambda * w) / (w * w + lambda);
}

export function weightDiagnostics(
  n: number,
  sumW: number,
  sumW2: number,
  maxW: number,
  thresholds: ReliabilityThresholds = {},
): WeightDiagnostics {
  const minEss = thresholds.minEss ?? 100;
  const minEssFraction = thresholds.minEssFraction ?? 0.01;
  const maxShare = thresholds.maxWeightShare ?? 0.05;
  const maxDev = thresholds.maxMeanWeightDeviation ?? 0.1;
  const ess = sumW2 > 0 ? (sumW * sumW) / sumW2 : 0;
  const meanWeight = n > 0 ? sumW / n : NaN;
  const maxWeightShare = sumW > 0 ? maxW / sumW : 1;
  const warnings: string[] = [];
  if (n === 0) warnings.push('no rows');
  if (ess < minEss) warnings.push(`effective sample size ${ess.toFixed(1)} < ${minEss}`);
  if (n > 0 && ess / n < minEssFraction) {
    warnings.push(`effective sample fraction ${(ess / n).toExponential(2)} < ${minEssFraction}`);
  }
  if (maxWeightShare > maxShare) {
    warnings.push(`one row holds ${(100 * maxWeightShare).toFixed(1)}% of the total weight (max w = ${maxW.toFixed(2)})`);
  }
  if (Math.abs(meanWeight - 1) > maxDev) {
    warnings.push(`mean importance weight ${meanWeight.toFixed(3)} is far from 1: support or propensity mismatch`);
  }
  return {
    n,
    sumWeight: sumW,
    meanWeight,
    maxWeight: maxW,
    ess,
    essFraction: n > 0 ? ess / n : 0,
    maxWeightShare,
    reliable: warnings.length === 0,
    warnings,
  };
}

/** All estimators in one pass over columnar data. */
export function estimatePolicyValue(columns: OpeColumns, options: OpeOptions = {}): OpeEstimates {
  const acc = new OpeAccumulator(options);
  acc.addColumns(columns);
  return acc.estimate();
}
