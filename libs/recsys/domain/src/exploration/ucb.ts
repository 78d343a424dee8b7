import type { Rng } from '../random';
import { rankWithTies, type SlateDecision } from './slate';

/**
 * UCB1 (Auer et al. 2002): score_a = mean_a + c √(2 ln t / n_a), unplayed items first (score ∞).
 * Deterministic given the state, so propensities are exact: 1, or 1/|tie group| under the seeded
 * uniform tie-break. (A deterministic logger gives no overlap for other policies: mix in ε when
 * the logs are meant for OPE.)
 */
export class Ucb1 {
  readonly pulls: Float64Array;
  readonly rewards: Float64Array;
  total = 0;

  constructor(
    nItems: number,
    readonly c = 1,
  ) {
    this.pulls = new Float64Array(nItems);
    this.rewards = new Float64Array(nItems);
  }

  update(item: number, reward: number): void {
    this.pulls[item]++;
    this.rewards[item] += reward;
    this.total++;
  }

  scores(): Float64Array {
    const logT = Math.log(Math.max(1, this.total));
    return Float64Array.from(this.pulls, (n, a) => (n === 0 ? Infinity : this.rewards[a] / n + this.c * Math.sqrt((2 * logT) / n)));
  }

  selectSlate(k: number, rng: Rng): SlateDecision {
    return rankWithTies(this.scores(), k, rng).decision;
  }
}

/**
 * Disjoint LinUCB (Li et al. 2010): per item a ridge regression A_a = λI + Σ x xᵀ, b_a = Σ r x;
 * score_a(x) = θ_aᵀ x + α √(xᵀ A_a⁻¹ x) with θ_a = A_a⁻¹ b_a. A_a⁻¹ is kept up to date by
 * Sherman-Morrison (O(d²) per update). Propensities as for UCB1 (exact, deterministic + ties).
 */
export class LinUcb {
  readonly dim: number;
  /** nItems × d × d inverse design matrices. */
  private readonly aInv: Float64Array;
  /** nItems × d. */
  private readonly b: Float64Array;
  private readonly tmp: Float64Array;

  constructor(
    readonly nItems: number,
    dim: number,
    readonly alpha = 1,
    ridge = 1,
  ) {
    this.dim = dim;
    this.aInv = new Float64Array(nItems * dim * dim);
    for (let a = 0; a < nItems; a++) for (let j = 0; j < dim; j++) this.aInv[a * dim * dim + j * dim + j] = 1 / ridge;
    this.b = new Float64Array(nItems * dim);
    this.tmp = new Float64Array(dim);
  }

  /** A_a⁻¹ x into `this.tmp`; returns xᵀ A_a⁻¹ x. */
  private applyInverse(item: number, x: ArrayLike<number>): number {
    const d = this.dim;
    const base = item * d * d;
    let quad = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += this.aInv[base + i * d + j] * x[j];
      this.tmp[i] = s;
      quad += x[i] * s;
    }
    return quad;
  }

  score(item: number, x: ArrayLike<number>): number {
    const quad = this.applyInverse(item, x);
    let mean = 0;
    for (let i = 0; i < this.dim; i++) mean += this.tmp[i] * this.b[item * this.dim + i];
    return mean + this.alpha * Math.sqrt(Math.max(0, quad));
  }

  scores(x: ArrayLike<number>): Float64Array {
    return Float64Array.from({ length: this.nItems }, (_, a) => this.score(a, x));
  }

  update(item: number, x: ArrayLike<number>, reward: number): void {
    const d = this.dim;
    const base = item * d * d;
    const quad = this.applyInverse(item, x);
    const u = this.tmp;
    const denom = 1 + quad;
    // (A + x xᵀ)⁻¹ = A⁻¹ − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x)   (A⁻¹ symmetric)
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) this.aInv[base + i * d + j] -= (u[i] * u[j]) / denom;
    for (let i = 0; i < d; i++) this.b[item * d + i] += reward * x[i];
  }

  selectSlate(x: ArrayLike<number>, k: number, rng: Rng): SlateDecision {
    return rankWithTies(this.scores(x), k, rng).decision;
  }
}
