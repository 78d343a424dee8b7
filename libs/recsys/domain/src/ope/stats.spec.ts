import { mean, normalQuantile, percentileSorted, sampleStd, studentTQuantile } from './stats';

describe('percentileSorted (numpy linear interpolation)', () => {
  const s = Float64Array.of(1, 2, 4, 8);

  it('interpolates between order statistics at q/100 · (n − 1)', () => {
    expect(percentileSorted(s, 0)).toBe(1);
    expect(percentileSorted(s, 100)).toBe(8);
    expect(percentileSorted(s, 50)).toBe(3); // pos 1.5
    expect(percentileSorted(s, 25)).toBe(1.75); // pos 0.75
    expect(percentileSorted(s, 75)).toBe(5); // pos 2.25: 4 + 0.25 · 4
    expect(percentileSorted(s, 2.5)).toBeCloseTo(1.075, 15); // pos 0.075
    expect(percentileSorted(s, 97.5)).toBeCloseTo(7.7, 14); // pos 2.925
    expect(percentileSorted(s, 100 / 3)).toBeCloseTo(2, 14); // pos 1 (up to rounding)
  });

  it('one element is every percentile; none is NaN', () => {
    expect(percentileSorted(Float64Array.of(7), 0)).toBe(7);
    expect(percentileSorted(Float64Array.of(7), 50)).toBe(7);
    expect(percentileSorted(Float64Array.of(7), 100)).toBe(7);
    expect(percentileSorted(new Float64Array(0), 50)).toBeNaN();
  });
});

describe('normalQuantile (Acklam)', () => {
  it('matches Φ⁻¹ to 5e-9 in the centre and both tails', () => {
    // reference values: Python's statistics.NormalDist().inv_cdf (Wichura AS241, ~1e-16)
    const table: [number, number][] = [
      [0.5, 0],
      [0.3, -0.5244005127080407],
      [0.8413447460685429, 1],
      [0.975, 1.959963984540054],
      [0.05, -1.6448536269514729],
      [0.02425, -1.9729610513118845],
      [0.02, -2.053748910631823],
      [0.98, 2.053748910631823],
      [0.001, -3.090232306167813],
      [0.999, 3.090232306167813],
      [1e-10, -6.361340902404056],
      [1 - 1e-10, 6.361340889697422],
    ];
    for (const [p, z] of table) expect(normalQuantile(p)).toBeCloseTo(z, 8);
  });

  it('is odd about 1/2', () => {
    for (const p of [0.001, 0.01, 0.1, 0.3, 0.49]) expect(normalQuantile(1 - p)).toBeCloseTo(-normalQuantile(p), 9);
  });

  it('rejects p outside (0, 1)', () => {
    for (const p of [0, 1, -0.5, 1.5, NaN]) expect(() => normalQuantile(p)).toThrow(new RangeError(`p must be in (0, 1), got ${p}`));
  });
});

describe('studentTQuantile (Cornish-Fisher in 1/ν)', () => {
  it('at z = 1 and z = 2 the expansion is z + g1/ν + g2/ν² + g3/ν³ with the A&S 26.7.5 coefficients, by hand', () => {
    // z = 1: g1 = (1 + 1)/4 = 1/2, g2 = (5 + 16 + 3)/96 = 1/4, g3 = (3 + 19 + 17 − 15)/384 = 1/16
    const p1 = 0.8413447460685429; // Φ(1)
    expect(studentTQuantile(p1, 1)).toBeCloseTo(1 + 1 / 2 + 1 / 4 + 1 / 16, 8);
    expect(studentTQuantile(p1, 2)).toBeCloseTo(1 + 1 / 4 + 1 / 16 + 1 / 128, 8);
    // z = 2: g1 = (8 + 2)/4 = 2.5, g2 = (160 + 128 + 6)/96 = 3.0625, g3 = (384 + 608 + 136 − 30)/384 = 2.859375
    const p2 = 0.9772498680518208; // Φ(2)
    expect(studentTQuantile(p2, 1)).toBeCloseTo(2 + 2.5 + 3.0625 + 2.859375, 7); // Φ⁻¹(p2) is 2 to 5e-10, × ~17 at ν = 1
    expect(studentTQuantile(p2, 4)).toBeCloseTo(2 + 2.5 / 4 + 3.0625 / 16 + 2.859375 / 64, 8);
  });

  it('matches t tables for ν ≥ 10 to ~2e-4, and tends to the normal quantile', () => {
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 3);
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(1.812461, 4);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272, 5);
    expect(studentTQuantile(0.025, 30)).toBeCloseTo(-2.042272, 5);
    expect(studentTQuantile(0.975, 1e9)).toBeCloseTo(normalQuantile(0.975), 8);
  });
});

describe('mean and sampleStd', () => {
  it('hand-computed', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean(Float64Array.of(-1, 1))).toBe(0);
    expect(sampleStd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 15); // Σ(x − 2.5)² = 5, ddof 1
    expect(sampleStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 15);
    expect(sampleStd([3, 3, 3])).toBe(0);
  });

  it('sampleStd is two-pass: a large common offset does not change the spread', () => {
    expect(sampleStd([1e15 + 1, 1e15 + 2, 1e15 + 3, 1e15 + 4])).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(sampleStd([3e15 + 1, 3e15 + 2, 3e15 + 3, 3e15 + 4])).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });
});
