import type { Rng } from '../random';
import { sortByScore, type SlateDecision, type SlateMarginals } from './slate';

export interface ThompsonOptions {
  /** Beta prior. Default Beta(1, 1). */
  readonly priorAlpha?: number;
  readonly priorBeta?: number;
}

/**
 * Beta-Bernoulli Thompson sampling over items: draw θ_a ~ Beta(α_a, β_a) and show the top-k by
 * θ. The position-wise propensity has no closed form (an integral over k order statistics of
 * Beta draws), so it is estimated by seeded Monte Carlo: M further posterior draws, counting how
 * often each shown item lands at its position, with the realised draw counted as one of the
 * M + 1 samples so a logged propensity is never 0. Standard error ≈ √(p(1−p)/M).
 */
export class BetaBernoulliThompson {
  readonly alpha: Float64Array;
  readonly beta: Float64Array;

  constructor(nItems: number, options: ThompsonOptions = {}) {
    this.alpha = new Float64Array(nItems).fill(options.priorAlpha ?? 1);
    this.beta = new Float64Array(nItems).fill(options.priorBeta ?? 1);
  }

  get nItems(): number {
    return this.alpha.length;
  }

  update(item: number, reward: number): void {
    this.alpha[item] += reward;
    this.beta[item] += 1 - reward;
  }

  /** Posterior mean CTR per item. */
  means(): Float64Array {
    return Float64Array.from(this.alpha, (a, i) => a / (a + this.beta[i]));
  }

  private draw(rng: Rng, out: Float64Array): void {
    for (let a = 0; a < out.length; a++) out[a] = rng.beta(this.alpha[a], this.beta[a]);
  }

  selectSlate(k: number, rng: Rng, mcSamples = 1000): SlateDecision {
    const theta = new Float64Array(this.nItems);
    this.draw(rng, theta);
    const items = sortByScore(theta).slice(0, k);
    const counts = new Float64Array(k).fill(1);
    for (let m = 0; m < mcSamples; m++) {
      this.draw(rng, theta);
      const order = sortByScore(theta);
      for (let j = 0; j < k; j++) if (order[j] === items[j]) counts[j]++;
    }
    return { items, propensities: counts.map((c) => c / (mcSamples + 1)), propensityMethod: 'monte-carlo' };
  }

  /** Monte Carlo position-wise marginals of the whole policy (for OPE of a Thompson candidate). */
  marginals(k: number, rng: Rng, mcSamples = 10_000): SlateMarginals {
    const n = this.nItems;
    const p = new Float64Array(n * k);
    const theta = new Float64Array(n);
    for (let m = 0; m < mcSamples; m++) {
      this.draw(rng, theta);
      const order = sortByScore(theta);
      for (let j = 0; j < k; j++) p[order[j] * k + j] += 1 / mcSamples;
    }
    return { nItems: n, k, p };
  }
}
