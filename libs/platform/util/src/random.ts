/**
 * Seeded pseudo-random numbers: xoshiro128** (32-bit state words, fast in V8) seeded through
 * splitmix32. The one seeded PRNG of the workspace: everything random takes an `Rng` so results are reproducible.
 */
export class Rng {
  // Initialised to numbers so V8 never sees an `undefined` field representation.
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() * 2.3283064365386963e-10;
  }

  /** Uniform in [0, 1) with 53 bits of resolution (two draws). */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) * 1.1102230246251565e-16;
  }

  /** Uniform integer in [0, n). Exact enough for n < 2^21 (bias < 2^-11 relative otherwise). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, caches the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextDouble();
    const v = this.nextDouble();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Gamma(shape, 1) by Marsaglia-Tsang (boosted for shape < 1). */
  gamma(shape: number): number {
    if (shape < 1) {
      const u = this.nextDouble() || Number.MIN_VALUE;
      return this.gamma(shape + 1) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x = 0;
      let v = 0;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) from two gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /** Bernoulli(p) as 0/1. */
  bernoulli(p: number): number {
    return this.nextDouble() < p ? 1 : 0;
  }

  /** Samples an index from an (unnormalised, non-negative) weight vector. */
  categorical(weights: ArrayLike<number>, offset = 0, length = weights.length - offset): number {
    let total = 0;
    for (let j = 0; j < length; j++) total += weights[offset + j];
    let u = this.nextDouble() * total;
    for (let j = 0; j < length; j++) {
      u -= weights[offset + j];
      if (u < 0) return j;
    }
    // Floating-point leftovers: return the last positive weight.
    for (let j = length - 1; j >= 0; j--) if (weights[offset + j] > 0) return j;
    return length - 1;
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T>(xs: T[] | Int32Array): void {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const t = xs[i];
      xs[i] = xs[j];
      xs[j] = t;
    }
  }
}
