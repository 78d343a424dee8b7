import { Rng } from '../random';
import { marginalsAreValid, rankWithTies, sortByScore } from './slate';

describe('sortByScore', () => {
  it('descending, lower index first on ties', () => {
    expect(Array.from(sortByScore([0.5, 2, 0.5, 3]))).toEqual([3, 1, 0, 2]);
    expect(Array.from(sortByScore(Float64Array.of(1, 1, 1)))).toEqual([0, 1, 2]);
    expect(Array.from(sortByScore([-Infinity, 0, Infinity]))).toEqual([2, 1, 0]);
  });
});

describe('rankWithTies', () => {
  it('k must be in [1, n]', () => {
    expect(() => rankWithTies([1, 2, 3], 0)).toThrow(new RangeError('k must be in [1, 3], got 0'));
    expect(() => rankWithTies([1, 2, 3], 4)).toThrow(new RangeError('k must be in [1, 3], got 4'));
    expect(() => rankWithTies([1, 2, 3], 3)).not.toThrow();
    expect(() => rankWithTies([1, 2, 3], 1)).not.toThrow();
  });

  it('no ties: deterministic top-k, propensity 1, one-hot marginals', () => {
    const { decision, marginals } = rankWithTies([0.1, 0.9, 0.5], 2);
    expect(decision).toEqual({ items: Int32Array.of(1, 2), propensities: Float64Array.of(1, 1), propensityMethod: 'exact' });
    // p[a * k + j]
    expect(marginals).toEqual({ nItems: 3, k: 2, p: Float64Array.of(0, 0, 1, 0, 0, 1) });
  });

  it('a tie group spanning the cut shares every position it covers: 1/|group|', () => {
    // sorted [0, 2, 3 | 1, 4]: the group {0, 2, 3} covers positions 0 and 1
    const { decision, marginals } = rankWithTies([3, 1, 3, 3, 0], 2);
    expect(Array.from(decision.items)).toEqual([0, 2]); // without an Rng the group keeps index order
    expect(Array.from(decision.propensities)).toEqual([1 / 3, 1 / 3]);
    expect(Array.from(marginals.p)).toEqual([1 / 3, 1 / 3, 0, 0, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 0, 0]);
  });

  it('a tie group starting inside the slate and ending past it only fills the positions left', () => {
    // item 0 alone at position 0; {1, 2} share position 1
    const { decision, marginals } = rankWithTies([5, 3, 3, 1], 2);
    expect(Array.from(decision.items)).toEqual([0, 1]);
    expect(Array.from(decision.propensities)).toEqual([1, 0.5]);
    expect(Array.from(marginals.p)).toEqual([1, 0, 0, 0.5, 0, 0.5, 0, 0]);
    expect(marginalsAreValid(marginals)).toBe(true);
  });

  it('two tie groups inside the slate', () => {
    const { decision, marginals } = rankWithTies([2, 2, 1, 1, 0], 4);
    expect(Array.from(decision.propensities)).toEqual([0.5, 0.5, 0.5, 0.5]);
    // items 0, 1 at positions 0–1; items 2, 3 at positions 2–3; item 4 nowhere
    expect(Array.from(marginals.p)).toEqual([0.5, 0.5, 0, 0, 0.5, 0.5, 0, 0, 0, 0, 0.5, 0.5, 0, 0, 0.5, 0.5, 0, 0, 0, 0]);
  });

  it('with an Rng the tie is broken uniformly (empirically), within the group only', () => {
    const counts = [0, 0, 0, 0];
    const rng = new Rng(3);
    const N = 6000;
    for (let t = 0; t < N; t++) {
      const { decision } = rankWithTies([3, 3, 3, 1], 1, rng);
      counts[decision.items[0]]++;
    }
    expect(counts[3]).toBe(0);
    for (const a of [0, 1, 2]) expect(Math.abs(counts[a] / N - 1 / 3)).toBeLessThan(0.025);
  });
});

describe('marginalsAreValid', () => {
  it('every position sums to 1 (within tol) and no item exceeds 1 over positions', () => {
    expect(marginalsAreValid({ nItems: 2, k: 1, p: Float64Array.of(0.5, 0.5) })).toBe(true);
    expect(marginalsAreValid({ nItems: 2, k: 1, p: Float64Array.of(0.5, 0.4) })).toBe(false);
    expect(marginalsAreValid({ nItems: 2, k: 1, p: Float64Array.of(0.5, 0.6) })).toBe(false);
    // columns fine, but item 0 sits at both positions with certainty
    expect(marginalsAreValid({ nItems: 2, k: 2, p: Float64Array.of(1, 1, 0, 0) })).toBe(false);
    expect(marginalsAreValid({ nItems: 2, k: 2, p: Float64Array.of(1, 0, 0, 1) })).toBe(true);
    expect(marginalsAreValid({ nItems: 3, k: 2, p: Float64Array.of(0.5, 0.5, 0.5, 0, 0, 0.5) })).toBe(true);
    expect(marginalsAreValid({ nItems: 3, k: 2, p: Float64Array.of(0.5, 0.6, 0.5, 0, 0, 0.4) })).toBe(false);
    // position 0 sums to 1 and no item exceeds 1, but position 1 sums to 0.8
    expect(marginalsAreValid({ nItems: 2, k: 2, p: Float64Array.of(0.6, 0.3, 0.4, 0.5) })).toBe(false);
  });

  it('tolerance', () => {
    const m = { nItems: 2, k: 1, p: Float64Array.of(0.5, 0.5 + 1e-7) };
    expect(marginalsAreValid(m)).toBe(false);
    expect(marginalsAreValid(m, 1e-6)).toBe(true);
    const row = { nItems: 2, k: 2, p: Float64Array.of(0.5, 0.5 + 1e-7, 0.5, 0.5 - 1e-7) };
    expect(marginalsAreValid(row, 1e-6)).toBe(true);
    expect(marginalsAreValid(row, 1e-8)).toBe(false);
    // exactly at the tolerance is still valid (dyadic numbers: no rounding)
    expect(marginalsAreValid({ nItems: 1, k: 1, p: Float64Array.of(1.5) }, 0.5)).toBe(true);
    expect(marginalsAreValid({ nItems: 1, k: 1, p: Float64Array.of(1.75) }, 0.5)).toBe(false);
  });
});
