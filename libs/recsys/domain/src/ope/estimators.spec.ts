import fc from 'fast-check';
import {
  bootstrapConfidenceIntervals,
  columnsFromActionDist,
  estimatePolicyValue,
  OpeAccumulator,
  slopeTune,
  studentTQuantile,
  normalQuantile,
  type OpeColumns,
} from './index';

/** A normalised probability vector from positive raw weights. */
const probVector = (k: number) =>
  fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: k, maxLength: k }).map((xs) => {
    const s = xs.reduce((a, b) => a + b, 0);
    return xs.map((x) => x / s);
  });

const unitVector = (k: number) => fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: k, maxLength: k });

function oneRow(pLog: number, r: number, pT: number, qf?: number, qp?: number): OpeColumns {
  return {
    reward: Float64Array.of(r),
    pscore: Float64Array.of(pLog),
    pTarget: Float64Array.of(pT),
    qHatFactual: qf === undefined ? undefined : Float64Array.of(qf),
    qHatPolicy: qp === undefined ? undefined : Float64Array.of(qp),
  };
}

describe('OPE estimators', () => {
  it('IPS, DR, Switch-DR(∞) and DRos(∞) are exactly unbiased: enumerating every logged outcome', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((k) => fc.tuple(probVector(k), probVector(k), unitVector(k), unitVector(k))),
        ([piB, piE, q, qHat]) => {
          const truth = piE.reduce((s, p, a) => s + p * q[a], 0);
          const qPolicy = piE.reduce((s, p, a) => s + p * qHat[a], 0);
          const expected = { ips: 0, dr: 0, switchDr: 0, drOs: 0 };
          piB.forEach((pb, a) => {
            for (const r of [0, 1]) {
              const prob = pb * (r === 1 ? q[a] : 1 - q[a]);
              const est = estimatePolicyValue(oneRow(pb, r, piE[a], qHat[a], qPolicy));
              expected.ips += prob * est.ips;
              expected.dr += prob * est.dr;
              expected.switchDr += prob * est.switchDr;
              expected.drOs += prob * est.drOs;
            }
          });
          for (const v of Object.values(expected)) expect(v).toBeCloseTo(truth, 10);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('DM is the mean of Σ_a π_e q̂, and DRos(0) = DM, DRos(∞) = DR, Switch-DR(∞) = DR', () => {
    const c: OpeColumns = {
      reward: Float64Array.of(1, 0, 1, 0),
      pscore: Float64Array.of(0.5, 0.1, 0.2, 0.05),
      pTarget: Float64Array.of(0.2, 0.6, 0.1, 0.9),
      qHatFactual: Float64Array.of(0.3, 0.2, 0.6, 0.1),
      qHatPolicy: Float64Array.of(0.25, 0.4, 0.5, 0.2),
    };
    const dr = estimatePolicyValue(c);
    expect(dr.dm).toBeCloseTo((0.25 + 0.4 + 0.5 + 0.2) / 4, 15);
    expect(estimatePolicyValue(c, { drosLambda: 0 }).drOs).toBeCloseTo(dr.dm, 15);
    expect(dr.drOs).toBeCloseTo(dr.dr, 15);
    expect(dr.switchDr).toBeCloseTo(dr.dr, 15);
    // Switch-DR with λ below every weight drops all corrections
    expect(estimatePolicyValue(c, { switchLambda: 0.1 }).switchDr).toBeCloseTo(dr.dm, 15);
  });

  it('hand-computed values on a tiny log (clipping, SNIPS, SNDR, DRos)', () => {
    const c: OpeColumns = {
      reward: Float64Array.of(1, 1, 0),
      pscore: Float64Array.of(0.1, 0.5, 0.25),
      pTarget: Float64Array.of(0.5, 0.5, 0.5),
      qHatFactual: Float64Array.of(0.5, 0.5, 0.5),
      qHatPolicy: Float64Array.of(0.4, 0.4, 0.4),
    };
    // w = [5, 1, 2]
    const e = estimatePolicyValue(c, { ipsClip: 3, drosLambda: 4 });
    expect(e.ips).toBeCloseTo((3 + 1 + 0) / 3, 15);
    expect(e.snips).toBeCloseTo((5 + 1) / 8, 15);
    expect(e.dr).toBeCloseTo(0.4 + (5 * 0.5 + 1 * 0.5 + 2 * -0.5) / 3, 15);
    expect(e.sndr).toBeCloseTo(0.4 + (2.5 + 0.5 - 1) / 8, 15);
    const shrink = (w: number) => (4 * w) / (w * w + 4);
    expect(e.drOs).toBeCloseTo(0.4 + (shrink(5) * 0.5 + shrink(1) * 0.5 - shrink(2) * 0.5) / 3, 15);
  });

  it('streaming add() and merged shards equal the one-pass batch result', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            p: fc.double({ min: 0.01, max: 1, noNaN: true }),
            t: fc.double({ min: 0, max: 1, noNaN: true }),
            r: fc.constantFrom(0, 1),
            qf: fc.double({ min: 0, max: 1, noNaN: true }),
            qp: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { minLength: 2, maxLength: 60 },
        ),
        fc.nat(),
        (rows, cut) => {
          const c: OpeColumns = {
            reward: Float64Array.from(rows, (x) => x.r),
            pscore: Float64Array.from(rows, (x) => x.p),
            pTarget: Float64Array.from(rows, (x) => x.t),
            qHatFactual: Float64Array.from(rows, (x) => x.qf),
            qHatPolicy: Float64Array.from(rows, (x) => x.qp),
          };
          const opts = { ipsClip: 5, drClip: 8, switchLambda: 20, drosLambda: 3 };
          const batch = estimatePolicyValue(c, opts);
          const k = cut % rows.length;
          const a = new OpeAccumulator(opts);
          const b = new OpeAccumulator(opts);
          rows.forEach((x, i) => (i < k ? a : b).add(x.p, x.r, x.t, x.qf, x.qp));
          const merged = a.merge(b).estimate();
          for (const name of ['ips', 'snips', 'dm', 'dr', 'sndr', 'switchDr', 'drOs'] as const) {
            if (Number.isNaN(batch[name])) expect(merged[name]).toBeNaN();
            else expect(merged[name]).toBeCloseTo(batch[name], 9);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('flags unreliable estimates: one huge weight, tiny ESS, mean weight far from 1', () => {
    const n = 1000;
    const pscore = new Float64Array(n).fill(0.5);
    pscore[0] = 1e-5;
    const c: OpeColumns = { reward: new Float64Array(n).fill(1), pscore, pTarget: new Float64Array(n).fill(0.5) };
    const d = estimatePolicyValue(c).diagnostics;
    expect(d.reliable).toBe(false);
    expect(d.maxWeight).toBeCloseTo(5e4, 6);
    expect(d.warnings.join(' ')).toMatch(/effective sample size/);
    expect(d.warnings.join(' ')).toMatch(/holds/);
    const fine = estimatePolicyValue({ ...c, pscore: new Float64Array(n).fill(0.5) }).diagnostics;
    expect(fine.reliable).toBe(true);
    expect(fine.ess).toBeCloseTo(n, 9);
  });

  it('rejects non-positive propensities and mixed model coverage', () => {
    expect(() => estimatePolicyValue(oneRow(0, 1, 0.5))).toThrow(/propensity/);
    const acc = new OpeAccumulator();
    acc.add(0.5, 1, 0.5, 0.1, 0.2);
    acc.add(0.5, 1, 0.5);
    expect(() => acc.estimate()).toThrow(/reward model/);
  });

  it('columnsFromActionDist reads π_e and q̂ at the logged position (OBP layout [n, K, lenList])', () => {
    const K = 2;
    const L = 2;
    // row 0: position 1; row 1: position 0
    const dist = Float64Array.of(0.1, 0.7, 0.9, 0.3, /* row 1 */ 0.6, 0.5, 0.4, 0.5);
    const q = Float64Array.of(0.2, 0.4, 0.6, 0.8, /* row 1 */ 0.1, 0.3, 0.5, 0.7);
    const c = columnsFromActionDist(
      { action: Int32Array.of(1, 0), position: Int32Array.of(1, 0), reward: Float64Array.of(1, 0), pscore: Float64Array.of(0.5, 0.5) },
      { data: dist, nActions: K, lenList: L },
      { data: q, nActions: K, lenList: L },
    );
    expect(Array.from(c.pTarget)).toEqual([0.3, 0.6]);
    expect(Array.from(c.qHatFactual ?? [])).toEqual([0.8, 0.1]);
    expect(c.qHatPolicy?.[0]).toBeCloseTo(0.7 * 0.4 + 0.3 * 0.8, 15);
    expect(c.qHatPolicy?.[1]).toBeCloseTo(0.6 * 0.1 + 0.4 * 0.5, 15);
  });

  it('bootstrap CIs are seeded, ordered and cover the point estimate', () => {
    const n = 500;
    const c: OpeColumns = {
      reward: Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0)),
      pscore: Float64Array.from({ length: n }, (_, i) => 0.1 + (i % 5) * 0.1),
      pTarget: new Float64Array(n).fill(0.3),
    };
    const a = bootstrapConfidenceIntervals(c, { nResamples: 500, seed: 3, alpha: 0.1 });
    const b = bootstrapConfidenceIntervals(c, { nResamples: 500, seed: 3, alpha: 0.1 });
    expect(a).toEqual(b);
    expect(a.ips.lower).toBeLessThan(a.ips.estimate);
    expect(a.ips.upper).toBeGreaterThan(a.ips.estimate);
    expect(a.dr.estimate).toBeNaN();
    const wide = bootstrapConfidenceIntervals(c, { nResamples: 500, seed: 3, alpha: 0.01 });
    expect(wide.ips.upper - wide.ips.lower).toBeGreaterThan(a.ips.upper - a.ips.lower);
  });

  it('SLOPE rejects a λ whose bias shows, and clips a heavy tail', () => {
    const n = 2000;
    const flat: OpeColumns = {
      reward: Float64Array.from({ length: n }, (_, i) => i % 2),
      pscore: new Float64Array(n).fill(0.5),
      pTarget: new Float64Array(n).fill(0.5),
      qHatFactual: new Float64Array(n).fill(0.2),
      qHatPolicy: new Float64Array(n).fill(0.2),
    };
    // λ = 0.5 switches every correction off: the biased DM (0.2, zero width) is rejected
    const tuned = slopeTune(flat, 'switchDr', [Infinity, 10, 0.5]);
    expect(tuned.lambda).not.toBe(0.5);
    expect(tuned.estimate).toBeCloseTo(0.5, 12);
    const heavy: OpeColumns = { ...flat, pscore: Float64Array.from({ length: n }, (_, i) => (i % 100 === 0 ? 1e-4 : 0.5)) };
    expect(slopeTune(heavy, 'ips', [Infinity, 100, 10, 2]).lambda).not.toBe(Infinity);
  });

  it('quantiles: normal and Student-t match tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 5);
    expect(studentTQuantile(0.975, 19)).toBeCloseTo(2.093024, 3);
    expect(studentTQuantile(0.95, 9999)).toBeCloseTo(1.645006, 5);
  });
});
