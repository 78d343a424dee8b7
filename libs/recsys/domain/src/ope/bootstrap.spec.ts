import fc from 'fast-check';
import { Rng } from '../random';
import { estimatePolicyValue } from './accumulator';
import { bootstrapConfidenceIntervals } from './bootstrap';
import { ESTIMATOR_NAMES, type OpeColumns, type OpeOptions } from './types';

/**
 * Two rows: w = [2, 0.5], r = [1, 0], q̂ = [0.5, 0.5], q̂_π = [0.375, 0.25].
 * A resample of two draws is {0,0}, {0,1} or {1,1}; seed 26 draws exactly those four resamples
 * (first eight `nextInt(2)` of Rng(26): 0 0 | 1 0 | 0 1 | 1 1), i.e. {0,0}, {0,1}, {0,1}, {1,1}.
 * Each replicate below is the estimator recomputed on its resample, by hand.
 */
const TWO: OpeColumns = {
  reward: Float64Array.of(1, 0),
  pscore: Float64Array.of(0.25, 0.5),
  pTarget: Float64Array.of(0.5, 0.25),
  qHatFactual: Float64Array.of(0.5, 0.5),
  qHatPolicy: Float64Array.of(0.375, 0.25),
};
const SEED_00_01_01_11 = 26;
/** numpy-style percentiles of the 4 sorted replicates [s0, s1, s2, s3] at α = 0.5: q = 25 → pos 0.75, q = 75 → pos 2.25. */
const lower = (s: number[]) => s[0] + 0.75 * (s[1] - s[0]);
const upper = (s: number[]) => s[2] + 0.25 * (s[3] - s[2]);

describe('bootstrap confidence intervals by hand (4 resamples of 2 rows)', () => {
  const run = (o: OpeOptions = {}, c: OpeColumns = TWO) => bootstrapConfidenceIntervals(c, { ...o, nResamples: 4, alpha: 0.5, seed: SEED_00_01_01_11 });

  it('the resamples are the ones named above', () => {
    const rng = new Rng(SEED_00_01_01_11);
    expect(Array.from({ length: 8 }, () => rng.nextInt(2))).toEqual([0, 0, 1, 0, 0, 1, 1, 1]);
  });

  it('IPS: replicates [0, 1, 1, 2] → [0.75, 1.25], mean 1 (linear interpolation at α/2 and 1 − α/2)', () => {
    expect(run().ips).toEqual({ estimate: 1, bootstrapMean: 1, lower: 0.75, upper: 1.25 });
  });

  it('SNIPS is re-normalised inside each resample: replicates Σwr/Σw = [0, 0.8, 0.8, 1]', () => {
    const ci = run().snips;
    expect(ci.estimate).toBe(0.8); // 2 / 2.5
    expect(ci.bootstrapMean).toBeCloseTo((1 + 0.8 + 0.8 + 0) / 4, 15);
    expect(ci.lower).toBeCloseTo(lower([0, 0.8, 0.8, 1]), 15);
    expect(ci.upper).toBeCloseTo(upper([0, 0.8, 0.8, 1]), 15);
  });

  it('DM and DR (= DM + mean w(r − q̂)) per resample', () => {
    const ci = run();
    // DM: {0,0} 0.375, {0,1} 0.3125, {1,1} 0.25
    expect(ci.dm).toEqual({ estimate: 0.3125, bootstrapMean: 0.3125, lower: lower([0.25, 0.3125, 0.3125, 0.375]), upper: upper([0.25, 0.3125, 0.3125, 0.375]) });
    // w(r − q̂) = [1, −0.25] → DR: {0,0} 1.375, {0,1} 0.6875, {1,1} 0
    expect(ci.dr).toEqual({ estimate: 0.6875, bootstrapMean: 0.6875, lower: lower([0, 0.6875, 0.6875, 1.375]), upper: upper([0, 0.6875, 0.6875, 1.375]) });
  });

  it('SNDR is re-normalised inside each resample: DM + Σw(r − q̂)/Σw', () => {
    const ci = run().sndr;
    const reps = [0.25 - 0.5 / 1, 0.3125 + 0.75 / 2.5, 0.3125 + 0.75 / 2.5, 0.375 + 2 / 4]; // {1,1}, {0,1} ×2, {0,0}
    expect(ci.estimate).toBeCloseTo(0.6125, 15);
    expect(ci.bootstrapMean).toBeCloseTo((reps[0] + reps[1] + reps[2] + reps[3]) / 4, 15);
    expect(ci.lower).toBeCloseTo(lower(reps), 15);
    expect(ci.upper).toBeCloseTo(upper(reps), 15);
  });

  it('Switch-DR: w = 2 = λ keeps its correction (= DR); just below, row 0 loses it', () => {
    expect(run({ switchLambda: 2 }).switchDr).toEqual(run().dr);
    // λ = 1.999: {0,0} 0.375, {0,1} 0.3125 − 0.125 = 0.1875, {1,1} 0
    expect(run({ switchLambda: 1.999 }).switchDr).toEqual({ estimate: 0.1875, bootstrapMean: 0.1875, lower: lower([0, 0.1875, 0.1875, 0.375]), upper: upper([0, 0.1875, 0.1875, 0.375]) });
  });

  it('DRos uses its λ in every replicate: ŵ = [2/3, 4/9] at λ = 2', () => {
    const ci = run({ drosLambda: 2 }).drOs;
    const reps = [0.25 - 2 / 9, 0.3125 + 1 / 18, 0.3125 + 1 / 18, 0.375 + 1 / 3];
    expect(ci.estimate).toBeCloseTo(0.3125 + 1 / 18, 15);
    expect(ci.bootstrapMean).toBeCloseTo((reps[0] + reps[1] + reps[2] + reps[3]) / 4, 15);
    expect(ci.lower).toBeCloseTo(lower(reps), 15);
    expect(ci.upper).toBeCloseTo(upper(reps), 15);
    expect(run({ drosLambda: 0 }).drOs).toEqual(run().dm);
    const zeroW = { ...TWO, pTarget: Float64Array.of(0.5, 0) }; // w = [2, 0]: λ = 0 is still DM, not NaN
    expect(run({ drosLambda: 0 }, zeroW).drOs).toEqual(run({}, zeroW).dm);
  });

  it('clipped IPS and DR use their clips in every replicate', () => {
    // λ = 1: IPS {0,0} 1, {0,1} 0.5, {1,1} 0; DR corrections [0.5, −0.25]: {0,0} 0.875, {0,1} 0.4375, {1,1} 0
    expect(run({ ipsClip: 1 }).ips).toEqual({ estimate: 0.5, bootstrapMean: 0.5, lower: 0.375, upper: 0.625 });
    expect(run({ drClip: 1 }).dr).toEqual({ estimate: 0.4375, bootstrapMean: 0.4375, lower: lower([0, 0.4375, 0.4375, 0.875]), upper: upper([0, 0.4375, 0.4375, 0.875]) });
  });

  it('without a reward model: IPS and SNIPS as above, the DM family NaN throughout', () => {
    const ci = run({}, { reward: TWO.reward, pscore: TWO.pscore, pTarget: TWO.pTarget });
    expect(ci.ips).toEqual(run().ips);
    expect(ci.snips).toEqual(run().snips);
    for (const k of ['dm', 'dr', 'sndr', 'switchDr', 'drOs'] as const) {
      expect(ci[k].estimate).toBeNaN();
      expect(ci[k].bootstrapMean).toBeNaN();
      expect(ci[k].lower).toBeNaN();
      expect(ci[k].upper).toBeNaN();
    }
  });
});

/** Textbook bootstrap, written plainly: draw n rows with replacement, re-estimate on the resample, take percentiles. */
function naiveBootstrap(c: OpeColumns, o: OpeOptions, nResamples: number, alpha: number, seed: number) {
  const n = c.reward.length;
  const rng = new Rng(seed);
  const reps = ESTIMATOR_NAMES.map(() => [] as number[]);
  const pick = (a: Float64Array | undefined, idx: number[]) => (a ? Float64Array.from(idx, (i) => a[i]) : undefined);
  for (let b = 0; b < nResamples; b++) {
    const idx = Array.from({ length: n }, () => rng.nextInt(n));
    const sub: OpeColumns = {
      reward: Float64Array.from(idx, (i) => c.reward[i]),
      pscore: Float64Array.from(idx, (i) => c.pscore[i]),
      pTarget: Float64Array.from(idx, (i) => c.pTarget[i]),
      qHatFactual: pick(c.qHatFactual, idx),
      qHatPolicy: pick(c.qHatPolicy, idx),
    };
    const e = estimatePolicyValue(sub, o);
    ESTIMATOR_NAMES.forEach((name, k) => reps[k].push(e[name]));
  }
  const percentile = (sorted: number[], q: number) => {
    const h = (sorted.length - 1) * q;
    const i = Math.floor(h);
    return i + 1 < sorted.length ? sorted[i] * (1 - (h - i)) + sorted[i + 1] * (h - i) : sorted[i];
  };
  return ESTIMATOR_NAMES.map((_, k) => {
    const sorted = [...reps[k]].sort((x, y) => x - y);
    return { mean: reps[k].reduce((s, x) => s + x, 0) / nResamples, lower: percentile(sorted, alpha / 2), upper: percentile(sorted, 1 - alpha / 2) };
  });
}

describe('bootstrap confidence intervals against a plain re-estimating bootstrap', () => {
  it('property: every estimator, with and without a reward model, any clips', () => {
    const row = fc.record({
      p: fc.constantFrom(0.125, 0.25, 0.5, 0.75, 1),
      t: fc.constantFrom(0.125, 0.25, 0.5, 1), // > 0, so no resample has Σw = 0
      r: fc.constantFrom(0, 1),
      qf: fc.double({ min: 0, max: 1, noNaN: true }),
      qp: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    const lam = fc.constantFrom(0.5, 1, 2, 4, Infinity);
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 2, maxLength: 12 }),
        fc.boolean(),
        fc.record({ ipsClip: lam, drClip: lam, switchLambda: lam, drosLambda: lam }),
        fc.constantFrom(0.05, 0.2, 0.5),
        fc.nat(1000),
        (rows, withModel, opts, alpha, seed) => {
          const c: OpeColumns = {
            reward: Float64Array.from(rows, (x) => x.r),
            pscore: Float64Array.from(rows, (x) => x.p),
            pTarget: Float64Array.from(rows, (x) => x.t),
            qHatFactual: withModel ? Float64Array.from(rows, (x) => x.qf) : undefined,
            qHatPolicy: withModel ? Float64Array.from(rows, (x) => x.qp) : undefined,
          };
          const got = bootstrapConfidenceIntervals(c, { ...opts, nResamples: 41, alpha, seed });
          const want = naiveBootstrap(c, opts, 41, alpha, seed);
          const point = estimatePolicyValue(c, opts);
          ESTIMATOR_NAMES.forEach((name, k) => {
            const ci = got[name];
            const close = (a: number, b: number) => (Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));
            expect(close(ci.estimate, point[name])).toBe(true);
            const ok = { mean: close(ci.bootstrapMean, want[k].mean), lower: close(ci.lower, want[k].lower), upper: close(ci.upper, want[k].upper) };
            expect({ name, ...ok }).toEqual({ name, mean: true, lower: true, upper: true });
          });
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('bootstrap options', () => {
  const c: OpeColumns = {
    reward: Float64Array.of(1, 0, 1, 0, 0, 1),
    pscore: Float64Array.of(0.5, 0.25, 0.5, 0.125, 0.5, 0.25),
    pTarget: Float64Array.of(0.25, 0.5, 0.5, 0.25, 0.125, 0.5),
  };

  it('defaults: α = 0.05, seed 12345, 10,000 resamples', () => {
    const few = { nResamples: 60 };
    expect(bootstrapConfidenceIntervals(c, few)).toEqual(bootstrapConfidenceIntervals(c, { ...few, alpha: 0.05, seed: 12345 }));
    expect(bootstrapConfidenceIntervals(c, few)).not.toEqual(bootstrapConfidenceIntervals(c, { ...few, alpha: 0.1 }));
    expect(bootstrapConfidenceIntervals(c, few)).not.toEqual(bootstrapConfidenceIntervals(c, { ...few, seed: 12346 }));
    // the resample count shows in the bootstrap mean (two rows keep 10,000 resamples cheap)
    const two: OpeColumns = { reward: Float64Array.of(1, 0), pscore: Float64Array.of(0.5, 0.25), pTarget: Float64Array.of(0.25, 0.5) };
    const byDefault = bootstrapConfidenceIntervals(two).ips.bootstrapMean;
    expect(byDefault).toBe(bootstrapConfidenceIntervals(two, { nResamples: 10_000 }).ips.bootstrapMean);
    expect(byDefault).not.toBe(bootstrapConfidenceIntervals(two, { nResamples: 9_999 }).ips.bootstrapMean);
  });

  it('alpha must lie in (0, 1)', () => {
    for (const alpha of [0, 1, -0.1, 1.5, NaN]) {
      expect(() => bootstrapConfidenceIntervals(c, { alpha, nResamples: 1 })).toThrow(new RangeError(`alpha must be in (0, 1), got ${alpha}`));
    }
    expect(() => bootstrapConfidenceIntervals(c, { alpha: 0.999, nResamples: 1 })).not.toThrow();
  });

  it('q̂ without q̂_π (or the reverse) is no reward model: the DM family is NaN, as in the point estimates', () => {
    const q = Float64Array.of(0.5, 0.5, 0.5, 0.5, 0.5, 0.5);
    for (const half of [{ ...c, qHatFactual: q }, { ...c, qHatPolicy: q }]) {
      const ci = bootstrapConfidenceIntervals(half, { nResamples: 20 });
      expect(ci.snips.lower).not.toBeNaN();
      for (const k of ['dm', 'dr', 'sndr', 'switchDr', 'drOs'] as const) expect([ci[k].estimate, ci[k].bootstrapMean, ci[k].lower, ci[k].upper]).toEqual([NaN, NaN, NaN, NaN]);
    }
  });

  it('rejects a non-positive propensity, naming the row', () => {
    expect(() => bootstrapConfidenceIntervals({ ...c, pscore: Float64Array.of(0.5, 0.5, 0, 0.5, 0.5, 0.5) }, { nResamples: 1 })).toThrow(
      new RangeError('propensity must be > 0 at row 2, got 0'),
    );
  });
});

describe('bootstrap diagnostics and warnings', () => {
  // Two rows carry w = 1000, the other 998 carry w = 0.001: Kish ESS = (Σw)²/Σw² ≈ 2.
  const N = 1000;
  const heavy: OpeColumns = {
    reward: Float64Array.from({ length: N }, (_, i) => (i === 0 || i % 3 === 0 ? 1 : 0)),
    pscore: Float64Array.from({ length: N }, (_, i) => (i < 2 ? 0.001 : 1)),
    pTarget: Float64Array.from({ length: N }, (_, i) => (i < 2 ? 1 : 0.001)),
  };

  it('ESS ≈ 2: the interval carries the weight diagnostics and their warnings, and is flagged unreliable', () => {
    const ci = bootstrapConfidenceIntervals(heavy, { nResamples: 2_000, seed: 5 });
    expect(ci.diagnostics.ess).toBeCloseTo(2.002, 3);
    expect(ci.diagnostics.maxWeight).toBe(1000);
    expect(ci.diagnostics.meanWeight).toBeCloseTo((2000 + 998 * 0.001) / N, 12);
    expect(ci.diagnostics).toEqual(estimatePolicyValue(heavy).diagnostics);
    expect(ci.reliable).toBe(false);
    expect(ci.warnings).toEqual([
      'effective sample size 2.0 < 100',
      'effective sample fraction 2.00e-3 < 0.01',
      'one row holds 50.0% of the total weight (max w = 1000.00)',
      'mean importance weight 2.001 is far from 1: support or propensity mismatch',
    ]);
    // the interval itself gives no hint: it is a plain pair of numbers either way
    expect(ci.ips.lower).toBeLessThan(ci.ips.upper);
  });

  it('well-spread weights: no warnings, reliable, the same diagnostics as the point estimate', () => {
    const even: OpeColumns = {
      reward: Float64Array.from({ length: 200 }, (_, i) => i % 2),
      pscore: new Float64Array(200).fill(0.5),
      pTarget: Float64Array.from({ length: 200 }, (_, i) => (i % 4 < 2 ? 0.5 : 0.45)),
    };
    const ci = bootstrapConfidenceIntervals(even, { nResamples: 400 });
    expect(ci.diagnostics).toEqual(estimatePolicyValue(even).diagnostics);
    expect(ci.diagnostics.reliable).toBe(true);
    expect(ci.warnings).toEqual([]);
    expect(ci.reliable).toBe(true);
  });

  it('the reliability thresholds of the options apply', () => {
    const loose = { minEss: 1, minEssFraction: 0.001, maxWeightShare: 0.6, maxMeanWeightDeviation: 1.5 };
    const ci = bootstrapConfidenceIntervals(heavy, { nResamples: 400, reliability: loose });
    expect(ci.diagnostics).toEqual(estimatePolicyValue(heavy, { reliability: loose }).diagnostics);
    expect(ci.warnings).toEqual([]);
    expect(ci.reliable).toBe(true);
  });

  it('warns when fewer than 10 replicates lie beyond each bound (nResamples · α/2 < 10)', () => {
    const even: OpeColumns = { reward: Float64Array.of(1, 0), pscore: Float64Array.of(0.5, 0.5), pTarget: Float64Array.of(0.5, 0.5) };
    const loose = { reliability: { minEss: 1, minEssFraction: 0, maxWeightShare: 1 } };
    expect(bootstrapConfidenceIntervals(even, { ...loose, nResamples: 400, alpha: 0.05 }).warnings).toEqual([]);
    const few = bootstrapConfidenceIntervals(even, { ...loose, nResamples: 399, alpha: 0.05 });
    expect(few.warnings).toEqual(['399 resamples at α = 0.05 leave 9 replicates beyond each bound (< 10): the bounds are noisy']);
    expect(few.reliable).toBe(false);
    expect(few.diagnostics.reliable).toBe(true);
    expect(bootstrapConfidenceIntervals(even, { ...loose, nResamples: 100, alpha: 0.2 }).warnings).toEqual([]);
    expect(bootstrapConfidenceIntervals(even, { ...loose, nResamples: 100, alpha: 0.19 }).warnings).toEqual([
      '100 resamples at α = 0.19 leave 9 replicates beyond each bound (< 10): the bounds are noisy',
    ]);
    // the weight warnings come first
    expect(bootstrapConfidenceIntervals(heavy, { nResamples: 20 }).warnings.slice(-2)).toEqual([
      'mean importance weight 2.001 is far from 1: support or propensity mismatch',
      '20 resamples at α = 0.05 leave 0 replicates beyond each bound (< 10): the bounds are noisy',
    ]);
  });
});
