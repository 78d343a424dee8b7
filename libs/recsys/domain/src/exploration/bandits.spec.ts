import { Rng } from '../random';
import { BetaBernoulliThompson } from './thompson';
import { LinUcb, Ucb1 } from './ucb';

describe('BetaBernoulliThompson', () => {
  it('Beta(1, 1) priors by default, or the given ones; update adds successes to α and failures to β', () => {
    const ts = new BetaBernoulliThompson(3);
    expect(ts.nItems).toBe(3);
    expect(Array.from(ts.means())).toEqual([0.5, 0.5, 0.5]);
    ts.update(0, 1);
    ts.update(0, 1);
    ts.update(0, 0);
    ts.update(2, 0);
    expect(Array.from(ts.alpha)).toEqual([3, 1, 1]);
    expect(Array.from(ts.beta)).toEqual([2, 1, 2]);
    expect(Array.from(ts.means())).toEqual([0.6, 0.5, 1 / 3]);
    const informed = new BetaBernoulliThompson(2, { priorAlpha: 2, priorBeta: 3 });
    expect(Array.from(informed.means())).toEqual([0.4, 0.4]);
    expect(Array.from(new BetaBernoulliThompson(1, { priorAlpha: 4 }).beta)).toEqual([1]);
  });

  /** Posteriors so sharp that every draw ranks the items 1 > 2 > 0. */
  function sharp(): BetaBernoulliThompson {
    const ts = new BetaBernoulliThompson(3);
    ts.alpha.set([1, 1e6, 1e5]);
    ts.beta.set([1e6, 1, 1e5]);
    return ts;
  }

  it('a certain ranking: the slate is the top-k and every propensity is exactly (M + 1)/(M + 1) = 1', () => {
    const d = sharp().selectSlate(2, new Rng(1), 50);
    expect(d).toEqual({ items: Int32Array.of(1, 2), propensities: Float64Array.of(1, 1), propensityMethod: 'monte-carlo' });
    expect(sharp().selectSlate(3, new Rng(2), 0).propensities).toEqual(Float64Array.of(1, 1, 1));
    expect(sharp().selectSlate(1, new Rng(3)).propensities).toEqual(Float64Array.of(1)); // default M = 1000
  });

  it('propensity = (1 + hits) / (M + 1) with the realised draw counted once', () => {
    // two identical flat posteriors: each MC draw agrees with the shown order half of the time
    const ts = new BetaBernoulliThompson(2);
    const M = 4000;
    const d = ts.selectSlate(1, new Rng(5), M);
    const hits = d.propensities[0] * (M + 1) - 1;
    expect(Math.abs(hits - Math.round(hits))).toBeLessThan(1e-6);
    expect(d.propensities[0]).toBeGreaterThan(0.47);
    expect(d.propensities[0]).toBeLessThan(0.53);
  });

  it('marginals: a certain ranking puts all the mass on one item per position', () => {
    const m = sharp().marginals(2, new Rng(4), 200);
    expect(m.nItems).toBe(3);
    expect(m.k).toBe(2);
    const want = [0, 0, 1, 0, 0, 1]; // p[a · k + j]: item 1 at position 0, item 2 at position 1, item 0 nowhere
    m.p.forEach((p, i) => expect(p).toBeCloseTo(want[i], 12));
    const byDefault = sharp().marginals(1, new Rng(4)); // M = 10,000
    expect(byDefault.p[1]).toBeCloseTo(1, 10);
  });

  it('marginals of two exchangeable items are 1/2 each (Monte Carlo)', () => {
    const m = new BetaBernoulliThompson(2).marginals(1, new Rng(6), 4000);
    expect(m.p[0] + m.p[1]).toBeCloseTo(1, 12);
    expect(Math.abs(m.p[0] - 0.5)).toBeLessThan(0.03);
  });
});

describe('Ucb1', () => {
  it('score = mean + c √(2 ln t / n), unplayed items ∞ (hand-computed)', () => {
    const ucb = new Ucb1(3);
    expect(Array.from(ucb.scores())).toEqual([Infinity, Infinity, Infinity]);
    ucb.update(0, 1);
    ucb.update(0, 0);
    ucb.update(1, 1);
    expect(ucb.total).toBe(3);
    expect(Array.from(ucb.pulls)).toEqual([2, 1, 0]);
    expect(Array.from(ucb.rewards)).toEqual([1, 1, 0]);
    const s = ucb.scores();
    expect(s[0]).toBeCloseTo(0.5 + Math.sqrt(Math.log(3)), 15); // √(2 ln 3 / 2)
    expect(s[1]).toBeCloseTo(1 + Math.sqrt(2 * Math.log(3)), 15);
    expect(s[2]).toBe(Infinity);
    const d = ucb.selectSlate(3, new Rng(1));
    expect(d).toEqual({ items: Int32Array.of(2, 1, 0), propensities: Float64Array.of(1, 1, 1), propensityMethod: 'exact' });
  });

  it('c scales the bonus; one pull in total gives ln 1 = 0, no bonus', () => {
    const ucb = new Ucb1(2, 0.5);
    expect(ucb.c).toBe(0.5);
    ucb.update(0, 0.25);
    expect(Array.from(ucb.scores())).toEqual([0.25, Infinity]);
    ucb.update(1, 0);
    expect(ucb.scores()[0]).toBeCloseTo(0.25 + 0.5 * Math.sqrt(2 * Math.log(2)), 15);
    expect(new Ucb1(1).c).toBe(1);
  });
});

describe('LinUcb', () => {
  it('fresh: A = λI, b = 0, so score = α √(xᵀx / λ); defaults α = 1, λ = 1', () => {
    const lin = new LinUcb(2, 2, 0.5, 2);
    expect(lin.dim).toBe(2);
    expect(lin.score(0, [1, 1])).toBeCloseTo(0.5, 15);
    expect(new LinUcb(1, 2).score(0, [3, 4])).toBeCloseTo(5, 15);
  });

  it('Sherman-Morrison updates give the exact ridge solution (hand-computed 2 × 2)', () => {
    const lin = new LinUcb(2, 2, 0.5, 2);
    // x = e1, r = 3: A = diag(3, 2), b = (3, 0), θ = (1, 0)
    lin.update(0, [1, 0], 3);
    expect(lin.score(0, [1, 0])).toBeCloseTo(1 + 0.5 * Math.sqrt(1 / 3), 14);
    expect(lin.score(0, [0, 1])).toBeCloseTo(0.5 * Math.sqrt(1 / 2), 14);
    expect(lin.score(0, [1, 1])).toBeCloseTo(1 + 0.5 * Math.sqrt(1 / 3 + 1 / 2), 14);
    // x = (1, 1), r = 1: A = [[4, 1], [1, 3]], A⁻¹ = [[3, −1], [−1, 4]] / 11, b = (4, 1), θ = A⁻¹b = (1, 0)
    lin.update(0, [1, 1], 1);
    expect(lin.score(0, [1, 0])).toBeCloseTo(1 + 0.5 * Math.sqrt(3 / 11), 14);
    expect(lin.score(0, [0, 1])).toBeCloseTo(0.5 * Math.sqrt(4 / 11), 14);
    expect(lin.score(0, [2, -1])).toBeCloseTo(2 + 0.5 * Math.sqrt(20 / 11), 14); // xᵀA⁻¹x = (3·4 + 2·(−1)·2·(−1) + 4·1) / 11
    // the other item is untouched
    expect(lin.score(1, [1, 0])).toBeCloseTo(0.5 * Math.sqrt(1 / 2), 14);
    expect(Array.from(lin.scores([1, 0]))).toEqual([lin.score(0, [1, 0]), lin.score(1, [1, 0])]);
  });

  it('each item keeps its own design: updating item 1 leaves item 0 as it was', () => {
    const lin = new LinUcb(2, 2, 0);
    lin.update(1, [1, 0], 2); // A₁ = diag(2, 1), b₁ = (2, 0), θ₁ = (1, 0)
    expect(lin.score(1, [1, 0])).toBeCloseTo(1, 15);
    expect(lin.score(1, [0, 1])).toBe(0);
    expect(lin.score(0, [1, 0])).toBe(0);
    lin.update(1, [0, 1], 3); // A₁ = diag(2, 2), b₁ = (2, 3), θ₁ = (1, 1.5)
    expect(lin.score(1, [1, 1])).toBeCloseTo(2.5, 15);
  });

  it('selectSlate ranks by score with exact propensities', () => {
    const lin = new LinUcb(3, 1, 0);
    lin.update(2, [1], 5);
    lin.update(0, [1], 1);
    expect(lin.selectSlate([1], 2, new Rng(1))).toEqual({ items: Int32Array.of(2, 0), propensities: Float64Array.of(1, 1), propensityMethod: 'exact' });
  });
});
