import fc from 'fast-check';
import { Rng } from '../random';
import {
  adaptiveEpsilon,
  BetaBernoulliThompson,
  DEFAULT_ADAPTIVE_EPSILON,
  epsilonGreedyMarginals,
  epsilonGreedySlate,
  LinUcb,
  marginalsAreValid,
  rankWithTies,
  Ucb1,
} from './index';

const scoresArb = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 12 }); // small ints: many ties

describe('exploration policies with propensities', () => {
  it('ε-greedy marginals: every position sums to 1, and the logged propensity is the marginal of the shown item', () => {
    fc.assert(
      fc.property(scoresArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), fc.integer({ min: 0, max: 1e6 }), (scores, eps, kRaw, seed) => {
        const k = 1 + (kRaw % scores.length);
        const m = epsilonGreedyMarginals(scores, k, eps);
        expect(marginalsAreValid(m)).toBe(true);
        const d = epsilonGreedySlate(scores, k, eps, new Rng(seed));
        expect(new Set(d.items).size).toBe(k);
        d.items.forEach((a, j) => {
          expect(d.propensities[j]).toBeCloseTo(m.p[a * k + j], 12);
          expect(d.propensities[j]).toBeGreaterThan(0);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('ε-greedy propensities match empirical frequencies', () => {
    const scores = [0.9, 0.5, 0.5, 0.1, 0.0];
    const k = 2;
    const eps = 0.2;
    const rng = new Rng(11);
    const counts = new Float64Array(scores.length * k);
    const N = 40_000;
    for (let t = 0; t < N; t++) {
      const d = epsilonGreedySlate(scores, k, eps, rng);
      d.items.forEach((a, j) => (counts[a * k + j] += 1 / N));
    }
    const m = epsilonGreedyMarginals(scores, k, eps);
    counts.forEach((c, t) => expect(Math.abs(c - m.p[t])).toBeLessThan(0.01));
    expect(m.p[1 * k + 1]).toBeCloseTo(0.8 * 0.5 + 0.2 / 5, 12);
  });

  it('tie groups: exact 1/|group| propensities', () => {
    const { decision, marginals } = rankWithTies([1, 3, 3, 3, 0], 2, new Rng(1));
    expect(Array.from(decision.propensities)).toEqual([1 / 3, 1 / 3]);
    expect(marginalsAreValid(marginals)).toBe(true);
    expect(marginals.p[0 * 2 + 0]).toBe(0);
  });

  it('adaptive ε: off-peak hours raise it, peak hours lower it, traffic bands override, clamps apply', () => {
    expect(adaptiveEpsilon(DEFAULT_ADAPTIVE_EPSILON, { hourUtc: 3 })).toBe(0.15);
    expect(adaptiveEpsilon(DEFAULT_ADAPTIVE_EPSILON, { hourUtc: 19 })).toBe(0.02);
    expect(adaptiveEpsilon(DEFAULT_ADAPTIVE_EPSILON, { hourUtc: 12 })).toBe(0.05);
    const cfg = { ...DEFAULT_ADAPTIVE_EPSILON, trafficBands: [{ minRps: 5000, epsilon: 0.01 }, { minRps: 0, epsilon: 0.08 }], max: 0.1 };
    expect(adaptiveEpsilon(cfg, { hourUtc: 3, rps: 6000 })).toBe(0.01);
    expect(adaptiveEpsilon(cfg, { hourUtc: 19, rps: 10 })).toBe(0.08);
    expect(adaptiveEpsilon({ defaultEpsilon: 0.5, hourWindows: [{ fromHour: 22, toHour: 2, epsilon: 0.3 }], max: 0.1 }, { hourUtc: 23 })).toBe(0.1);
  });

  it('Thompson: MC marginals sum to 1 per position; logged propensities are positive and near the marginals', () => {
    const ts = new BetaBernoulliThompson(6);
    const rng = new Rng(5);
    const ctr = [0.05, 0.1, 0.2, 0.3, 0.02, 0.25];
    for (let t = 0; t < 3000; t++) {
      const a = t % 6;
      ts.update(a, rng.bernoulli(ctr[a]));
    }
    const m = ts.marginals(3, new Rng(9), 20_000);
    expect(marginalsAreValid(m, 1e-6)).toBe(true);
    const d = ts.selectSlate(3, new Rng(10), 4000);
    expect(d.propensityMethod).toBe('monte-carlo');
    d.items.forEach((a, j) => {
      expect(d.propensities[j]).toBeGreaterThan(0);
      expect(Math.abs(d.propensities[j] - m.p[a * 3 + j])).toBeLessThan(0.03);
    });
    // it learned: the best arm is most often first
    expect(m.p[3 * 3 + 0]).toBeGreaterThan(0.5);
  });

  it('UCB1 tries every item once, then favours the best', () => {
    const ucb = new Ucb1(4, 0.5);
    const rng = new Rng(2);
    const seen = new Set<number>();
    for (let t = 0; t < 4; t++) {
      const d = ucb.selectSlate(1, rng);
      seen.add(d.items[0]);
      ucb.update(d.items[0], 0);
    }
    expect(seen.size).toBe(4);
    const ctr = [0.1, 0.6, 0.2, 0.3];
    const pulls = [0, 0, 0, 0];
    for (let t = 0; t < 2000; t++) {
      const a = ucb.selectSlate(1, rng).items[0];
      pulls[a]++;
      ucb.update(a, rng.bernoulli(ctr[a]));
    }
    expect(pulls.indexOf(Math.max(...pulls))).toBe(1);
  });

  it('LinUCB learns a linear reward and its Sherman-Morrison inverse stays exact', () => {
    const d = 3;
    const lin = new LinUcb(2, d, 0.1, 1);
    const rng = new Rng(4);
    const theta = [
      [1, 0, 0],
      [0, 1, 0],
    ];
    for (let t = 0; t < 500; t++) {
      const x = [rng.normal(), rng.normal(), rng.normal()];
      const a = t % 2;
      lin.update(a, x, theta[a].reduce((s, w, j) => s + w * x[j], 0));
    }
    expect(lin.selectSlate([2, 0, 0], 1, rng).items[0]).toBe(0);
    expect(lin.selectSlate([0, 2, 0], 1, rng).items[0]).toBe(1);
    // mean of item 0 at e1 ≈ 1 (exact ridge solution), bonus small
    expect(lin.score(0, [1, 0, 0])).toBeCloseTo(1, 1);
  });
});
