import { Rng } from '../random';
import { adaptiveEpsilon, DEFAULT_ADAPTIVE_EPSILON, epsilonGreedyMarginals, epsilonGreedySlate, type AdaptiveEpsilonConfig } from './epsilon-greedy';

const SCORES = [0.9, 0.5, 0.5, 0.1, 0];

describe('ε-greedy slates', () => {
  it('marginals by hand: (1 − ε) g + ε / K', () => {
    // K = 5, k = 2, ε = 0.2: item 0 leads (g = 1 at position 0), {1, 2} tie for position 1 (g = 1/2)
    const m = epsilonGreedyMarginals(SCORES, 2, 0.2);
    expect(m.nItems).toBe(5);
    expect(m.k).toBe(2);
    const want = [0.84, 0.04, 0.04, 0.44, 0.04, 0.44, 0.04, 0.04, 0.04, 0.04];
    m.p.forEach((p, i) => expect(p).toBeCloseTo(want[i], 15));
  });

  it('ε = 0 is the greedy slate with its tie propensities', () => {
    for (let seed = 0; seed < 20; seed++) {
      const d = epsilonGreedySlate(SCORES, 2, 0, new Rng(seed));
      expect(d.items[0]).toBe(0);
      expect([1, 2]).toContain(d.items[1]);
      expect(Array.from(d.propensities)).toEqual([1, 0.5]);
      expect(d.propensityMethod).toBe('exact');
    }
  });

  it('ε = 1 is a uniform ordered k-subset: distinct items, each at each position 1/K of the time, propensity 1/K', () => {
    const K = SCORES.length;
    const k = 3;
    const rng = new Rng(8);
    const N = 4000;
    const freq = new Float64Array(K * k);
    let bad = 0;
    for (let t = 0; t < N; t++) {
      const d = epsilonGreedySlate(SCORES, k, 1, rng);
      const ok = d.items.length === k && new Set(d.items).size === k && d.items.every((a) => a >= 0 && a < K) && d.propensities.every((p) => Math.abs(p - 1 / K) < 1e-15);
      if (!ok) bad++;
      d.items.forEach((a, j) => (freq[a * k + j] += 1 / N));
    }
    expect(bad).toBe(0);
    expect(Math.max(...freq.map((f) => Math.abs(f - 1 / K)))).toBeLessThan(0.03);
  });

  it('the logged propensity is the marginal of the shown item at its position', () => {
    const rng = new Rng(1);
    const m = epsilonGreedyMarginals(SCORES, 2, 0.3);
    let explored = 0;
    let mismatched = 0;
    for (let t = 0; t < 400; t++) {
      const d = epsilonGreedySlate(SCORES, 2, 0.3, rng);
      d.items.forEach((a, j) => (Math.abs(d.propensities[j] - m.p[a * 2 + j]) < 1e-15 ? undefined : mismatched++));
      if (d.items[0] !== 0) explored++;
    }
    expect(mismatched).toBe(0);
    // position 0 is not item 0 only when exploring and the draw misses it: 0.3 · 4/5 = 24%
    expect(explored / 400).toBeGreaterThan(0.15);
    expect(explored / 400).toBeLessThan(0.33);
  });

  it('ε must lie in [0, 1]', () => {
    for (const eps of [-0.1, 1.1, NaN]) {
      expect(() => epsilonGreedyMarginals(SCORES, 2, eps)).toThrow(new RangeError(`epsilon must be in [0, 1], got ${eps}`));
      expect(() => epsilonGreedySlate(SCORES, 2, eps, new Rng(1))).toThrow(new RangeError(`epsilon must be in [0, 1], got ${eps}`));
    }
    expect(() => epsilonGreedyMarginals(SCORES, 2, 0)).not.toThrow();
    expect(() => epsilonGreedyMarginals(SCORES, 2, 1)).not.toThrow();
  });
});

describe('adaptiveEpsilon', () => {
  it('the default config: 0.15 in [1, 6) UTC, 0.02 in [18, 22), else 0.05', () => {
    const at = (hourUtc: number) => adaptiveEpsilon(DEFAULT_ADAPTIVE_EPSILON, { hourUtc });
    expect([0, 1, 5, 6, 17, 18, 21, 22, 23].map(at)).toEqual([0.05, 0.15, 0.15, 0.05, 0.05, 0.02, 0.02, 0.05, 0.05]);
    expect(DEFAULT_ADAPTIVE_EPSILON.trafficBands).toBeUndefined();
  });

  it('hours wrap modulo 24, negative ones too', () => {
    const at = (hourUtc: number) => adaptiveEpsilon(DEFAULT_ADAPTIVE_EPSILON, { hourUtc });
    expect(at(25)).toBe(0.15);
    expect(at(-4)).toBe(0.02); // 20:00
    expect(at(-23)).toBe(0.15); // 01:00
    expect(at(48 + 19.5)).toBe(0.02);
  });

  it('a window with from > to wraps past midnight; the first matching window wins', () => {
    const cfg: AdaptiveEpsilonConfig = {
      defaultEpsilon: 0.05,
      hourWindows: [
        { fromHour: 22, toHour: 2, epsilon: 0.3 },
        { fromHour: 0, toHour: 4, epsilon: 0.2 },
      ],
    };
    const at = (hourUtc: number) => adaptiveEpsilon(cfg, { hourUtc });
    expect([21, 22, 23, 0, 1, 2, 3, 4].map(at)).toEqual([0.05, 0.3, 0.3, 0.3, 0.3, 0.2, 0.2, 0.05]);
    // from = to is an empty window, not a whole day
    const empty = (hourUtc: number) => adaptiveEpsilon({ defaultEpsilon: 0.05, hourWindows: [{ fromHour: 5, toHour: 5, epsilon: 0.5 }] }, { hourUtc });
    expect([0, 4, 5, 6, 23].map(empty)).toEqual([0.05, 0.05, 0.05, 0.05, 0.05]);
  });

  it('traffic: the band with the highest minRps ≤ rps wins over any window, whatever the band order', () => {
    const bands = [
      { minRps: 100, epsilon: 0.04 },
      { minRps: 5000, epsilon: 0.01 },
      { minRps: 1000, epsilon: 0.03 },
    ];
    const cfg: AdaptiveEpsilonConfig = { ...DEFAULT_ADAPTIVE_EPSILON, trafficBands: bands };
    const at = (rps?: number) => adaptiveEpsilon(cfg, { hourUtc: 3, rps });
    expect([undefined, 0, 99, 100, 999, 1000, 4999, 5000, 1e6].map(at)).toEqual([0.15, 0.15, 0.15, 0.04, 0.04, 0.03, 0.03, 0.01, 0.01]);
    expect(adaptiveEpsilon({ ...cfg, trafficBands: [...bands].reverse() }, { hourUtc: 3, rps: 6000 })).toBe(0.01);
    expect(adaptiveEpsilon(DEFAULT_ADAPTIVE_EPSILON, { hourUtc: 3, rps: 1e6 })).toBe(0.15);
    // two bands with the same threshold: the first listed wins
    const twins = { defaultEpsilon: 0.05, trafficBands: [{ minRps: 10, epsilon: 0.07 }, { minRps: 10, epsilon: 0.09 }] };
    expect(adaptiveEpsilon(twins, { hourUtc: 0, rps: 50 })).toBe(0.07);
  });

  it('clamps to [min, max], by default [0, 1]', () => {
    expect(adaptiveEpsilon({ defaultEpsilon: 1.5 }, { hourUtc: 0 })).toBe(1);
    expect(adaptiveEpsilon({ defaultEpsilon: -0.5 }, { hourUtc: 0 })).toBe(0);
    expect(adaptiveEpsilon({ defaultEpsilon: 0.5, max: 0.1 }, { hourUtc: 0 })).toBe(0.1);
    expect(adaptiveEpsilon({ defaultEpsilon: 0.01, min: 0.03 }, { hourUtc: 0 })).toBe(0.03);
    expect(adaptiveEpsilon({ defaultEpsilon: 0.5, min: 0.03, max: 0.9 }, { hourUtc: 0 })).toBe(0.5);
  });
});
