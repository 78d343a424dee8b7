import fc from 'fast-check';
import { estimatePolicyValue } from './accumulator';
import { slopeTune, type TunableEstimator } from './slope';
import { sampleStd, studentTQuantile } from './stats';
import type { OpeColumns } from './types';

/** √6 − 1: SLOPE++'s acceptance constant (Su et al. 2020; OBP `*Tuning`). */
const SLOPE_K = 1.449489742783178;

/**
 * n rows with w = 1, q̂ = 0, q̂_π = 0.25 and rewards d ± s (alternating). For Switch-DR:
 *   λ = ∞: round rewards 0.25 + r_i → θ = 0.25 + d, width c = t_{0.95, n−1} · s / √(n − 1)
 *   λ = 0: round rewards 0.25 (every correction off) → θ = 0.25, width 0
 * so λ = 0 is accepted exactly when d ≤ 0 + (√6 − 1) c.
 */
function twoCandidates(d: number, s: number, n = 100): OpeColumns {
  return {
    reward: Float64Array.from({ length: n }, (_, i) => d + (i % 2 === 0 ? s : -s)),
    pscore: new Float64Array(n).fill(0.5),
    pTarget: new Float64Array(n).fill(0.5),
    qHatFactual: new Float64Array(n),
    qHatPolicy: new Float64Array(n).fill(0.25),
  };
}

describe('SLOPE by hand', () => {
  const n = 100;
  const s = 0.1;
  const c = (studentTQuantile(0.95, n - 1) * s) / Math.sqrt(n - 1);

  it('each candidate: mean of its round rewards and width t_{1−δ, n−1} · sd / √n', () => {
    const r = slopeTune(twoCandidates(1.4 * c, s), 'switchDr', [Infinity, 0]);
    expect(r.candidates).toHaveLength(2);
    expect(r.candidates[0].lambda).toBe(Infinity);
    expect(r.candidates[0].estimate).toBeCloseTo(0.25 + 1.4 * c, 12);
    expect(r.candidates[0].width).toBeCloseTo(c, 12);
    expect(r.candidates[1]).toEqual({ lambda: 0, estimate: 0.25, width: 0 });
  });

  it('accepts the narrower candidate while |Δθ| ≤ c_narrow + (√6 − 1) c_wide, and rejects it just beyond', () => {
    expect(slopeTune(twoCandidates(1.4 * c, s), 'switchDr', [Infinity, 0])).toMatchObject({ lambda: 0, estimate: 0.25 });
    const far = slopeTune(twoCandidates(1.5 * c, s), 'switchDr', [Infinity, 0]);
    expect(far.lambda).toBe(Infinity);
    expect(far.estimate).toBeCloseTo(0.25 + 1.5 * c, 12);
    // the same with the candidates given narrow-first: the order of visiting is by width
    expect(slopeTune(twoCandidates(1.4 * c, s), 'switchDr', [0, Infinity]).lambda).toBe(0);
    expect(slopeTune(twoCandidates(1.5 * c, s), 'switchDr', [0, Infinity]).lambda).toBe(Infinity);
    // the margin is symmetric in the sign of Δθ
    expect(slopeTune(twoCandidates(-1.4 * c, s), 'switchDr', [Infinity, 0]).lambda).toBe(0);
    expect(slopeTune(twoCandidates(-1.5 * c, s), 'switchDr', [Infinity, 0]).lambda).toBe(Infinity);
  });

  it('δ sets the t quantile: a smaller δ widens every candidate and accepts more', () => {
    const d = 1.6 * c; // rejected at δ = 0.05
    expect(slopeTune(twoCandidates(d, s), 'switchDr', [Infinity, 0]).lambda).toBe(Infinity);
    const loose = slopeTune(twoCandidates(d, s), 'switchDr', [Infinity, 0], 0.01);
    expect(loose.candidates[0].width).toBeCloseTo((studentTQuantile(0.99, n - 1) * s) / Math.sqrt(n - 1), 12);
    expect(loose.lambda).toBe(0);
  });

  it('stops at the first rejection: a later candidate compatible with the accepted ones is not reached', () => {
    // even rows: w = 2, r − q̂ = 0.5 (correction +1); odd rows: w = 4, r − q̂ = −0.25 (correction −1); q̂_π = 0.5
    //   λ = ∞: 0.5 ± 1 → θ = 0.5, the widest;  λ = 2: 1.5 / 0.5 → θ = 1, half as wide;  λ = 0: θ = 0.5, width 0
    const m = 200;
    const even = (i: number) => i % 2 === 0;
    const cols: OpeColumns = {
      reward: Float64Array.from({ length: m }, (_, i) => (even(i) ? 0.5 : 0)),
      pscore: Float64Array.from({ length: m }, (_, i) => (even(i) ? 0.25 : 0.125)),
      pTarget: new Float64Array(m).fill(0.5),
      qHatFactual: Float64Array.from({ length: m }, (_, i) => (even(i) ? 0 : 0.25)),
      qHatPolicy: new Float64Array(m).fill(0.5),
    };
    const r = slopeTune(cols, 'switchDr', [Infinity, 2, 0]);
    const [inf, two, zero] = r.candidates;
    const c = studentTQuantile(0.95, m - 1) * Math.sqrt(m / (m - 1) / m);
    expect(inf.estimate).toBeCloseTo(0.5, 12);
    expect(inf.width).toBeCloseTo(c, 12);
    expect(two.estimate).toBeCloseTo(1, 12);
    expect(two.width).toBeCloseTo(c / 2, 12);
    expect(zero).toEqual({ lambda: 0, estimate: 0.5, width: 0 });
    // λ = 2 misfits λ = ∞; λ = 0 would fit λ = ∞ but comes after the misfit, so it is never visited
    expect(Math.abs(inf.estimate - two.estimate)).toBeGreaterThan(two.width + SLOPE_K * inf.width);
    expect(Math.abs(inf.estimate - zero.estimate)).toBeLessThanOrEqual(zero.width + SLOPE_K * inf.width);
    expect(r.lambda).toBe(Infinity);
    expect(r.estimate).toBe(inf.estimate);
  });

  it('equal widths keep the given order, so the last given of identical candidates wins', () => {
    // every w ≤ 4: λ = 10 and λ = 20 give identical round rewards
    const cols = twoCandidates(0.3, 0.2, 10);
    expect(slopeTune(cols, 'dr', [10, 20]).lambda).toBe(20);
    expect(slopeTune(cols, 'dr', [20, 10]).lambda).toBe(10);
  });

  it('rejects an empty grid and a missing reward model', () => {
    const cols = twoCandidates(0, 0.1, 4);
    expect(() => slopeTune(cols, 'ips', [])).toThrow(new RangeError('lambdas must not be empty'));
    const bare: OpeColumns = { reward: cols.reward, pscore: cols.pscore, pTarget: cols.pTarget };
    for (const e of ['dr', 'switchDr', 'drOs'] as const) expect(() => slopeTune(bare, e, [1])).toThrow(new Error(`${e} needs qHatFactual and qHatPolicy`));
    expect(() => slopeTune({ ...bare, qHatFactual: cols.qHatFactual }, 'dr', [1])).toThrow(/needs qHatFactual/);
    expect(slopeTune(bare, 'ips', [Infinity]).estimate).toBeCloseTo(0, 15);
  });

  it('IPS ignores a supplied reward model (round reward = min(w, λ) r)', () => {
    const cols = twoCandidates(0.5, 0.1, 4); // r = [0.6, 0.4, 0.6, 0.4], w = 1, q̂_π = 0.25
    expect(slopeTune(cols, 'ips', [Infinity]).estimate).toBeCloseTo(0.5, 15);
    expect(slopeTune(cols, 'ips', [0.5]).estimate).toBeCloseTo(0.25, 15);
  });
});

describe('SLOPE against the estimators and the selection rule', () => {
  it('property: candidate estimates equal the matching estimator; widths and the choice follow the rule', () => {
    const row = fc.record({
      p: fc.constantFrom(0.05, 0.125, 0.25, 0.5, 1),
      t: fc.constantFrom(0, 0.125, 0.25, 0.5, 1),
      r: fc.constantFrom(0, 1),
      qf: fc.double({ min: 0, max: 1, noNaN: true }),
      qp: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    const estimator = fc.constantFrom<TunableEstimator>('ips', 'dr', 'switchDr', 'drOs');
    const lambdas = fc.uniqueArray(fc.constantFrom(0, 0.5, 1, 2, 4, 10, 20, Infinity), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(row, { minLength: 3, maxLength: 40 }), estimator, lambdas, fc.constantFrom(0.05, 0.1, 0.2), (rows, est, lams, delta) => {
        const cols: OpeColumns = {
          reward: Float64Array.from(rows, (x) => x.r),
          pscore: Float64Array.from(rows, (x) => x.p),
          pTarget: Float64Array.from(rows, (x) => x.t),
          qHatFactual: Float64Array.from(rows, (x) => x.qf),
          qHatPolicy: Float64Array.from(rows, (x) => x.qp),
        };
        const n = rows.length;
        const r = slopeTune(cols, est, lams, delta);
        const tq = studentTQuantile(1 - delta, n - 1);
        r.candidates.forEach((cand, i) => {
          const lam = lams[i];
          expect(cand.lambda).toBe(lam);
          const option = { ips: { ipsClip: lam }, dr: { drClip: lam }, switchDr: { switchLambda: lam }, drOs: { drosLambda: lam } }[est];
          expect(cand.estimate).toBeCloseTo(estimatePolicyValue(cols, option)[est], 9);
          const round = rows.map((x) => {
            const w = x.t / x.p;
            const wt = est === 'ips' || est === 'dr' ? Math.min(w, lam) : est === 'switchDr' ? (w <= lam ? w : 0) : lam === Infinity ? w : w === 0 ? 0 : (lam * w) / (w * w + lam);
            return est === 'ips' ? wt * x.r : x.qp + wt * (x.r - x.qf);
          });
          expect(cand.width).toBeCloseTo((tq * sampleStd(round)) / Math.sqrt(n), 6);
        });
        // the rule, written out: widest first (stable), accept while compatible with all accepted, stop at the first misfit
        const order = lams.map((_, i) => i).sort((a, b) => r.candidates[b].width - r.candidates[a].width || a - b);
        const accepted: number[] = [];
        for (const i of order) {
          const ci = r.candidates[i];
          if (!accepted.every((j) => Math.abs(r.candidates[j].estimate - ci.estimate) <= ci.width + SLOPE_K * r.candidates[j].width)) break;
          accepted.push(i);
        }
        const chosen = r.candidates[accepted[accepted.length - 1]];
        expect(r.lambda).toBe(chosen.lambda);
        expect(r.estimate).toBe(chosen.estimate);
      }),
      { numRuns: 60 },
    );
  });
});
