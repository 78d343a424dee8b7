import fc from 'fast-check';
import { drosWeight, estimatePolicyValue, OpeAccumulator, weightDiagnostics } from './accumulator';
import type { OpeColumns, OpeOptions, ReliabilityThresholds } from './types';

/**
 * Four rows with dyadic numbers, so every estimate below is exact by hand:
 *   w = π_e/π_b = [2, 1, 4, 0.5]   r = [1, 0, 1, 0]   q̂ = [0.5, 0.25, 0.75, 0.5]   q̂_π = [0.375, 0.25, 0.625, 0.25]
 *   r − q̂ = [0.5, −0.25, 0.25, −0.5]   w(r − q̂) = [1, −0.25, 1, −0.25]
 *   Σw = 7.5, Σw² = 21.25, max w = 4, Σwr = 6, DM = 1.5 / 4 = 0.375, Σw(r − q̂) = 1.5
 */
const HAND: OpeColumns = {
  reward: Float64Array.of(1, 0, 1, 0),
  pscore: Float64Array.of(0.25, 0.5, 0.125, 0.5),
  pTarget: Float64Array.of(0.5, 0.5, 0.5, 0.25),
  qHatFactual: Float64Array.of(0.5, 0.25, 0.75, 0.5),
  qHatPolicy: Float64Array.of(0.375, 0.25, 0.625, 0.25),
};
const noModel = (c: OpeColumns): OpeColumns => ({ reward: c.reward, pscore: c.pscore, pTarget: c.pTarget });

/** The same rows through the streaming path, one `add` per row. */
function streamed(c: OpeColumns, options: OpeOptions = {}): OpeAccumulator {
  const acc = new OpeAccumulator(options);
  for (let i = 0; i < c.reward.length; i++) acc.add(c.pscore[i], c.reward[i], c.pTarget[i], c.qHatFactual?.[i], c.qHatPolicy?.[i]);
  return acc;
}

/** Both code paths (columnar batch and row-by-row streaming) must give the same numbers. */
const BOTH: [string, (c: OpeColumns, o?: OpeOptions) => ReturnType<typeof estimatePolicyValue>][] = [
  ['batch', (c, o) => estimatePolicyValue(c, o)],
  ['streaming', (c, o) => streamed(c, o).estimate()],
];

describe.each(BOTH)('estimators by hand (%s)', (_name, run) => {
  it('IPS, SNIPS, DM, DR, SNDR with no clipping', () => {
    const e = run(HAND);
    expect(e.ips).toBe(1.5); // (2 + 0 + 4 + 0) / 4
    expect(e.snips).toBe(0.8); // 6 / 7.5
    expect(e.dm).toBe(0.375);
    expect(e.dr).toBe(0.75); // 0.375 + 1.5 / 4
    expect(e.sndr).toBeCloseTo(0.575, 15); // 0.375 + 1.5 / 7.5: self-normalised by Σw, not n
    expect(e.switchDr).toBe(0.75); // λ = ∞ is DR
    expect(e.drOs).toBe(0.75); // λ = ∞ is DR
  });

  it('clipped IPS and DR: min(w, λ)', () => {
    const e = run(HAND, { ipsClip: 2, drClip: 2 });
    expect(e.ips).toBe(1); // (2 + 0 + 2 + 0) / 4
    expect(e.dr).toBe(0.625); // 0.375 + (1 − 0.25 + 0.5 − 0.25) / 4
    // each clip only touches its own estimator
    expect(e.snips).toBe(0.8);
    expect(e.sndr).toBeCloseTo(0.575, 15);
    expect(run(HAND, { ipsClip: 2 }).dr).toBe(0.75);
    expect(run(HAND, { drClip: 2 }).ips).toBe(1.5);
    expect(run(HAND, { ipsClip: 0, drClip: 0 })).toMatchObject({ ips: 0, dr: 0.375 });
  });

  it('Switch-DR keeps the correction where w ≤ λ (inclusive: w = 2 = λ counts)', () => {
    expect(run(HAND, { switchLambda: 2 }).switchDr).toBe(0.5); // 0.375 + (1 − 0.25 − 0.25) / 4
    expect(run(HAND, { switchLambda: 1.999 }).switchDr).toBe(0.25); // 0.375 + (−0.25 − 0.25) / 4
    expect(run(HAND, { switchLambda: 0.1 }).switchDr).toBe(0.375); // DM
    expect(run(HAND, { switchLambda: 2 }).dr).toBe(0.75);
  });

  it('DRos shrinks each weight to λw / (w² + λ)', () => {
    // λ = 4: ŵ = [1, 0.8, 0.8, 8/17]; Σ ŵ(r − q̂) = 0.5 − 0.2 + 0.2 − 4/17 = 9/34
    expect(run(HAND, { drosLambda: 4 }).drOs).toBeCloseTo(0.375 + 9 / 136, 15);
    expect(run(HAND, { drosLambda: 0 }).drOs).toBe(0.375); // DM
    expect(run(HAND, { drosLambda: 4 }).dr).toBe(0.75);
  });

  it('DRos at λ = 0 is DM even where π_e gives the logged action no mass (w = 0: ŵ = 0, not 0/0)', () => {
    const zeroW = { ...HAND, pTarget: Float64Array.of(0.5, 0, 0.5, 0.25) }; // w = [2, 0, 4, 0.5]
    expect(run(zeroW, { drosLambda: 0 }).drOs).toBe(0.375);
    // λ = 4: row 1 drops out, the rest as above: 0.5 + 0.2 − 4/17
    expect(run(zeroW, { drosLambda: 4 }).drOs).toBeCloseTo(0.375 + (0.5 + 0.2 - 4 / 17) / 4, 15);
  });

  it('without a reward model the DM family is NaN', () => {
    const e = run(noModel(HAND));
    expect(e.ips).toBe(1.5);
    expect(e.snips).toBe(0.8);
    for (const k of ['dm', 'dr', 'sndr', 'switchDr', 'drOs'] as const) expect(e[k]).toBeNaN();
  });

  it('diagnostics: n, Σw, mean, max, Kish ESS and the warnings with their numbers', () => {
    const d = run(HAND).diagnostics;
    expect(d).toMatchObject({ n: 4, sumWeight: 7.5, meanWeight: 1.875, maxWeight: 4 });
    expect(d.ess).toBeCloseTo(56.25 / 21.25, 14);
    expect(d.essFraction).toBeCloseTo(56.25 / 21.25 / 4, 14);
    expect(d.maxWeightShare).toBeCloseTo(4 / 7.5, 15);
    expect(d.reliable).toBe(false);
    expect(d.warnings).toEqual([
      'effective sample size 2.6 < 100',
      'one row holds 53.3% of the total weight (max w = 4.00)',
      'mean importance weight 1.875 is far from 1: support or propensity mismatch',
    ]);
  });
});

describe('reliability warnings', () => {
  const LAX: ReliabilityThresholds = { minEss: 0, minEssFraction: 0, maxWeightShare: 1, maxMeanWeightDeviation: 10 };
  const warn = (t: ReliabilityThresholds) => estimatePolicyValue(noModel(HAND), { reliability: { ...LAX, ...t } }).diagnostics.warnings;

  it('each threshold fires on its own', () => {
    expect(warn({})).toEqual([]);
    expect(warn({ minEss: 3 })).toEqual(['effective sample size 2.6 < 3']);
    expect(warn({ minEssFraction: 0.7 })).toEqual(['effective sample fraction 6.62e-1 < 0.7']);
    expect(warn({ maxWeightShare: 0.5 })).toEqual(['one row holds 53.3% of the total weight (max w = 4.00)']);
    expect(warn({ maxMeanWeightDeviation: 0.8 })).toEqual(['mean importance weight 1.875 is far from 1: support or propensity mismatch']);
    expect(warn({ maxMeanWeightDeviation: 0.9 })).toEqual([]);
  });

  it('the mean-weight check is two-sided: a mean weight below 1 warns too', () => {
    // π_e puts mass where π_b never logs: w = 0.5 everywhere
    const n = 400;
    const c: OpeColumns = { reward: new Float64Array(n), pscore: new Float64Array(n).fill(0.5), pTarget: new Float64Array(n).fill(0.25) };
    const d = estimatePolicyValue(c).diagnostics;
    expect(d.ess).toBeCloseTo(n, 9);
    expect(d.warnings).toEqual(['mean importance weight 0.500 is far from 1: support or propensity mismatch']);
    expect(d.reliable).toBe(false);
  });

  it('thresholds are strict: equal to the limit is fine (w = 1 everywhere: ESS = n = 4, share 1/4, mean 1)', () => {
    const c: OpeColumns = { reward: new Float64Array(4), pscore: new Float64Array(4).fill(0.5), pTarget: new Float64Array(4).fill(0.5) };
    const d = estimatePolicyValue(c, { reliability: { minEss: 4, minEssFraction: 1, maxWeightShare: 0.25, maxMeanWeightDeviation: 0 } }).diagnostics;
    expect(d).toMatchObject({ ess: 4, essFraction: 1, maxWeightShare: 0.25, meanWeight: 1, reliable: true, warnings: [] });
  });

  it('defaults: ESS ≥ 100, ESS/n ≥ 1%, share ≤ 5%, |mean − 1| ≤ 0.1', () => {
    const ones = (n: number): OpeColumns => ({ reward: new Float64Array(n), pscore: new Float64Array(n).fill(0.5), pTarget: new Float64Array(n).fill(0.5) });
    expect(estimatePolicyValue(ones(100)).diagnostics.warnings).toEqual([]);
    expect(estimatePolicyValue(ones(99)).diagnostics.warnings).toEqual(['effective sample size 99.0 < 100']);
    expect(estimatePolicyValue(ones(19)).diagnostics.warnings).toEqual(['effective sample size 19.0 < 100', 'one row holds 5.3% of the total weight (max w = 1.00)']);
    // ESS fraction: 10,000 rows, one weight of 10,000 and the rest 1 → ESS ≈ 4 (0.04%)
    const n = 10_000;
    const c = ones(n);
    c.pscore[0] = 0.5 / 10_000;
    const d = estimatePolicyValue(c).diagnostics;
    expect(d.ess).toBeCloseTo((19_999 * 19_999) / (1e8 + 9_999), 9);
    expect(d.warnings).toEqual([
      'effective sample size 4.0 < 100',
      'effective sample fraction 4.00e-4 < 0.01',
      'one row holds 50.0% of the total weight (max w = 10000.00)',
      'mean importance weight 2.000 is far from 1: support or propensity mismatch',
    ]);
  });

  it('no rows: flagged, ESS 0, mean NaN', () => {
    const d = weightDiagnostics(0, 0, 0, 0);
    expect(d).toMatchObject({ n: 0, ess: 0, essFraction: 0, maxWeightShare: 1, reliable: false });
    expect(d.meanWeight).toBeNaN();
    expect(d.warnings[0]).toBe('no rows');
    expect(d.warnings).toContain('effective sample size 0.0 < 100');
    expect(d.warnings.some((w) => w.startsWith('mean importance weight'))).toBe(false);
  });
});

describe('OpeAccumulator', () => {
  it('rejects negative or NaN hyper-parameters by name; 0 and ∞ are fine', () => {
    expect(() => new OpeAccumulator({ ipsClip: -1 })).toThrow(new RangeError('ipsClip must be >= 0, got -1'));
    expect(() => new OpeAccumulator({ drClip: -0.5 })).toThrow(new RangeError('drClip must be >= 0, got -0.5'));
    expect(() => new OpeAccumulator({ switchLambda: NaN })).toThrow(new RangeError('switchLambda must be >= 0, got NaN'));
    expect(() => new OpeAccumulator({ drosLambda: -Infinity })).toThrow(new RangeError('drosLambda must be >= 0, got -Infinity'));
    expect(() => new OpeAccumulator({ ipsClip: 0, drClip: 0, switchLambda: 0, drosLambda: 0 })).not.toThrow();
    const acc = new OpeAccumulator();
    expect([acc.ipsClip, acc.drClip, acc.switchLambda, acc.drosLambda]).toEqual([Infinity, Infinity, Infinity, Infinity]);
  });

  it('rejects non-positive or NaN propensities in both paths, naming the row', () => {
    expect(() => new OpeAccumulator().add(0, 1, 0.5)).toThrow(new RangeError('propensity must be > 0, got 0'));
    expect(() => new OpeAccumulator().add(NaN, 1, 0.5)).toThrow(/propensity must be > 0, got NaN/);
    const c = { ...noModel(HAND), pscore: Float64Array.of(0.5, -0.1, 0.5, 0.5) };
    expect(() => estimatePolicyValue(c)).toThrow(new RangeError('propensity must be > 0 at row 1, got -0.1'));
  });

  it('addColumns checks every propensity of its range first: a bad row leaves the accumulator as it was', () => {
    const bad = { ...HAND, pscore: Float64Array.of(0.5, 0.5, 0.5, 0) };
    const acc = new OpeAccumulator();
    acc.add(0.5, 1, 0.25, 0.5, 0.5);
    const before = { ...acc };
    expect(() => acc.addColumns(bad, 1)).toThrow(new RangeError('propensity must be > 0 at row 3, got 0'));
    expect({ ...acc }).toEqual(before);
    // rows outside [start, end) are not looked at
    acc.addColumns(bad, 0, 3);
    expect(acc.n).toBe(4);
    expect(() => new OpeAccumulator().addColumns(noModel(bad), 3, 4)).toThrow(new RangeError('propensity must be > 0 at row 3, got 0'));
    expect(() => new OpeAccumulator().addColumns(noModel(bad), 0, 3)).not.toThrow();
  });

  it('addColumns gives the same sums as add() row by row, bit for bit, with and without a model', () => {
    const opts = { ipsClip: 3, drClip: 1.5, switchLambda: 2, drosLambda: 4 };
    for (const c of [HAND, noModel(HAND)]) {
      const byRow = new OpeAccumulator(opts);
      for (let i = 0; i < c.reward.length; i++) byRow.add(c.pscore[i], c.reward[i], c.pTarget[i], c.qHatFactual?.[i], c.qHatPolicy?.[i]);
      const byColumns = new OpeAccumulator(opts);
      byColumns.addColumns(c);
      expect({ ...byColumns }).toEqual({ ...byRow });
    }
  });

  it('a reward model for some rows only is an error; for none or all it is fine', () => {
    const acc = new OpeAccumulator();
    acc.add(0.5, 1, 0.5, 0.1, 0.2);
    acc.add(0.5, 1, 0.5);
    expect(() => acc.estimate()).toThrow(new Error('reward model given for 1 of 2 rows: give it for all or none'));
    // q̂ without q̂_π (or the reverse) is no model at all
    const half = new OpeAccumulator();
    half.add(0.5, 1, 0.5, 0.1);
    half.add(0.5, 1, 0.5, undefined, 0.3);
    expect(half.nModel).toBe(0);
    expect(half.estimate().dm).toBeNaN();
  });

  it('addColumns takes a row range and keeps the running max across calls', () => {
    const acc = new OpeAccumulator();
    acc.addColumns(HAND, 2, 4); // w = 4, 0.5
    expect(acc).toMatchObject({ n: 2, nModel: 2, sumW: 4.5, maxW: 4 });
    acc.addColumns(HAND, 0, 2); // w = 2, 1
    expect(acc.maxW).toBe(4);
    expect(acc.estimate().dr).toBe(0.75);
    const partial = new OpeAccumulator();
    partial.addColumns(HAND, 1);
    expect(partial).toMatchObject({ n: 3, sumW: 5.5, sumW2: 17.25, maxW: 4 });
  });

  it('merge adds every running sum, keeps the larger max, and refuses different options', () => {
    const opts = { ipsClip: 3, drClip: 3, switchLambda: 2, drosLambda: 4 };
    const a = new OpeAccumulator(opts);
    a.addColumns(HAND, 0, 3);
    const b = new OpeAccumulator(opts);
    b.addColumns(HAND, 3, 4);
    expect(a.merge(b)).toBe(a);
    const whole = new OpeAccumulator(opts);
    whole.addColumns(HAND);
    for (const k of ['n', 'nModel', 'sumW', 'sumW2', 'maxW', 'sumIps', 'sumWR', 'sumDm', 'sumDrCorr', 'sumWResid', 'sumSwitchCorr', 'sumDrosCorr'] as const) {
      expect(a[k]).toBeCloseTo(whole[k], 14);
    }
    const small = new OpeAccumulator(opts);
    small.addColumns(HAND, 3, 4); // max w 0.5
    small.merge(a);
    expect(small.maxW).toBe(4);
    for (const other of [{ ipsClip: 1 }, { drClip: 1 }, { switchLambda: 1 }, { drosLambda: 1 }]) {
      expect(() => new OpeAccumulator(opts).merge(new OpeAccumulator({ ...opts, ...other }))).toThrow(
        'cannot merge accumulators built with different estimator options',
      );
    }
  });

  it('drosWeight: λw / (w² + λ), w at λ = ∞, 0 at λ = 0', () => {
    expect(drosWeight(2, 4)).toBe(1);
    expect(drosWeight(4, 4)).toBe(0.8);
    expect(drosWeight(3, Infinity)).toBe(3);
    expect(drosWeight(3, 0)).toBe(0);
    expect(drosWeight(0, 0)).toBe(0);
    expect(drosWeight(0, 4)).toBe(0);
  });

  it('property: batch, streaming and any two-way shard split agree on every estimator', () => {
    const row = fc.record({
      p: fc.double({ min: 0.01, max: 1, noNaN: true }),
      t: fc.double({ min: 0, max: 1, noNaN: true }),
      r: fc.double({ min: 0, max: 1, noNaN: true }),
      qf: fc.double({ min: 0, max: 1, noNaN: true }),
      qp: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    const lam = fc.constantFrom(0, 0.5, 1, 2, 10, Infinity);
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), fc.nat(), lam, lam, lam, lam, (rows, cut, ipsClip, drClip, switchLambda, drosLambda) => {
        const c: OpeColumns = {
          reward: Float64Array.from(rows, (x) => x.r),
          pscore: Float64Array.from(rows, (x) => x.p),
          pTarget: Float64Array.from(rows, (x) => x.t),
          qHatFactual: Float64Array.from(rows, (x) => x.qf),
          qHatPolicy: Float64Array.from(rows, (x) => x.qp),
        };
        const opts = { ipsClip, drClip, switchLambda, drosLambda };
        const batch = estimatePolicyValue(c, opts);
        const k = cut % (rows.length + 1);
        const a = new OpeAccumulator(opts);
        a.addColumns(c, 0, k);
        const b = streamed({ ...c, reward: c.reward.subarray(k), pscore: c.pscore.subarray(k), pTarget: c.pTarget.subarray(k), qHatFactual: c.qHatFactual?.subarray(k), qHatPolicy: c.qHatPolicy?.subarray(k) }, opts);
        const merged = a.merge(b).estimate();
        for (const name of ['ips', 'snips', 'dm', 'dr', 'sndr', 'switchDr', 'drOs'] as const) {
          if (Number.isNaN(batch[name])) expect(merged[name]).toBeNaN();
          else expect(merged[name]).toBeCloseTo(batch[name], 9);
        }
        expect(merged.diagnostics.ess).toBeCloseTo(batch.diagnostics.ess, 9);
        expect(merged.diagnostics.maxWeight).toBe(batch.diagnostics.maxWeight);
      }),
      { numRuns: 60 },
    );
  });
});
