import { Rng } from '../random';
import { drosWeight, estimatePolicyValue } from './accumulator';
import { percentileSorted } from './stats';
import { ESTIMATOR_NAMES, type ConfidenceInterval, type EstimatorName, type OpeColumns, type OpeOptions, type WeightDiagnostics } from './types';

export interface BootstrapOptions extends OpeOptions {
  /** Number of resamples (OBP default 10,000). */
  readonly nResamples?: number;
  /** Two-sided level: the interval is [α/2, 1 − α/2] percentiles. Default 0.05. */
  readonly alpha?: number;
  /** PRNG seed (xoshiro128**). Default 12345. */
  readonly seed?: number;
}

/**
 * An interval per estimator, plus what says whether to believe them: the importance-weight
 * diagnostics of the full sample (ESS, max and mean weight, the same as `estimatePolicyValue`'s)
 * and the warnings (the diagnostics' own, then the bootstrap's: too few replicates beyond a bound).
 * A heavy-tailed weight distribution (ESS ≈ 2) gives an interval that looks as confident as any
 * other; `reliable` is false whenever a warning fired.
 */
export type BootstrapResult = Record<EstimatorName, ConfidenceInterval> & {
  readonly diagnostics: WeightDiagnostics;
  readonly warnings: readonly string[];
  readonly reliable: boolean;
};

/** Fewer replicates than this beyond each percentile bound (nResamples · α/2) draws a warning. */
const MIN_TAIL_REPLICATES = 10;

const NO_MODEL = 3;
const WITH_MODEL = 8;

/**
 * Nonparametric bootstrap confidence intervals for every estimator at once.
 *
 * Per-row terms (clipped w·r, w, w·r and the DR-family corrections) are computed once into an
 * interleaved Float64Array, so a resample is n seeded index draws and a handful of adds per draw.
 * Self-normalised estimators (SNIPS, SNDR) are re-normalised inside each resample (the ratio of
 * resampled sums), which is the textbook bootstrap of a ratio estimator; OBP instead resamples the
 * already-normalised per-round terms. Percentiles use numpy's linear interpolation.
 */
export function bootstrapConfidenceIntervals(columns: OpeColumns, options: BootstrapOptions = {}): BootstrapResult {
  const nResamples = options.nResamples ?? 10_000;
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const rng = new Rng(options.seed ?? 12345);
  const n = columns.reward.length;
  const hasModel = columns.qHatFactual !== undefined && columns.qHatPolicy !== undefined;
  const stride = hasModel ? WITH_MODEL : NO_MODEL;
  const terms = rowTerms(columns, options, stride);

  const reps = ESTIMATOR_NAMES.map(() => new Float64Array(nResamples));
  const sums = new Float64Array(stride);
  for (let b = 0; b < nResamples; b++) {
    if (stride === NO_MODEL) resampleSums3(terms, n, rng, sums);
    else resampleSums8(terms, n, rng, sums);
    reps[0][b] = sums[0] / n;
    reps[1][b] = sums[2] / sums[1];
    if (hasModel) {
      const dm = sums[3] / n;
      reps[2][b] = dm;
      reps[3][b] = dm + sums[4] / n;
      reps[4][b] = dm + sums[5] / sums[1];
      reps[5][b] = dm + sums[6] / n;
      reps[6][b] = dm + sums[7] / n;
    } else {
      for (let e = 2; e < reps.length; e++) reps[e][b] = NaN;
    }
  }

  const point = estimatePolicyValue(columns, options);
  const warnings = [...point.diagnostics.warnings];
  const tail = Math.floor((nResamples * alpha) / 2);
  if (tail < MIN_TAIL_REPLICATES) {
    warnings.push(`${nResamples} resamples at α = ${alpha} leave ${tail} replicates beyond each bound (< ${MIN_TAIL_REPLICATES}): the bounds are noisy`);
  }
  const out = {} as Record<EstimatorName, ConfidenceInterval>;
  ESTIMATOR_NAMES.forEach((name, e) => {
    const r = reps[e];
    let s = 0;
    for (let b = 0; b < nResamples; b++) s += r[b];
    r.sort();
    out[name] = {
      estimate: point[name],
      bootstrapMean: s / nResamples,
      lower: percentileSorted(r, 100 * (alpha / 2)),
      upper: percentileSorted(r, 100 * (1 - alpha / 2)),
    };
  });
  return { ...out, diagnostics: point.diagnostics, warnings, reliable: warnings.length === 0 };
}

function rowTerms(c: OpeColumns, o: OpeOptions, stride: number): Float64Array {
  const n = c.reward.length;
  const t = new Float64Array(n * stride);
  const ipsClip = o.ipsClip ?? Infinity;
  const drClip = o.drClip ?? Infinity;
  const lamS = o.switchLambda ?? Infinity;
  const lamO = o.drosLambda ?? Infinity;
  for (let i = 0; i < n; i++) {
    const p = c.pscore[i];
    if (!(p > 0)) throw new RangeError(`propensity must be > 0 at row ${i}, got ${p}`);
    const w = c.pTarget[i] / p;
    const r = c.reward[i];
    const j = i * stride;
    t[j] = Math.min(w, ipsClip) * r;
    t[j + 1] = w;
    t[j + 2] = w * r;
    if (stride === WITH_MODEL && c.qHatFactual && c.qHatPolicy) {
      const resid = r - c.qHatFactual[i];
      t[j + 3] = c.qHatPolicy[i];
      t[j + 4] = Math.min(w, drClip) * resid;
      t[j + 5] = w * resid;
      t[j + 6] = w <= lamS ? w * resid : 0;
      t[j + 7] = drosWeight(w, lamO) * resid;
    }
  }
  return t;
}

function resampleSums3(t: Float64Array, n: number, rng: Rng, sums: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  for (let d = 0; d < n; d++) {
    const j = ((rng.nextUint32() * 2.3283064365386963e-10 * n) | 0) * 3;
    s0 += t[j];
    s1 += t[j + 1];
    s2 += t[j + 2];
  }
  sums[0] = s0;
  sums[1] = s1;
  sums[2] = s2;
}

function resampleSums8(t: Float64Array, n: number, rng: Rng, sums: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  for (let d = 0; d < n; d++) {
    const j = ((rng.nextUint32() * 2.3283064365386963e-10 * n) | 0) * 8;
    s0 += t[j];
    s1 += t[j + 1];
    s2 += t[j + 2];
    s3 += t[j + 3];
    s4 += t[j + 4];
    s5 += t[j + 5];
    s6 += t[j + 6];
    s7 += t[j + 7];
  }
  sums[0] = s0;
  sums[1] = s1;
  sums[2] = s2;
  sums[3] = s3;
  sums[4] = s4;
  sums[5] = s5;
  sums[6] = s6;
  sums[7] = s7;
}
