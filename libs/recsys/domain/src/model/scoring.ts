import { linear } from './mlp';
import type { TwoTowerModel } from './two-tower';

/**
 * Scores N candidates for one request in one pass, with no per-candidate allocation.
 *
 * The head's first layer is W₁[u, i, u⊙i, c] + b₁ = (W_u u + W_c c + b₁) + (W_i + W_ui diag(u)) i:
 * the first bracket and the matrix M_u = W_i + W_ui diag(u) are computed once per request, so each
 * candidate costs one E×h₁ mat-vec on its (precomputed) item embedding plus the small upper
 * layers: ~2.6k multiply-adds with the default sizes instead of ~7k for the naive head.
 */
export class BatchScorer {
  private readonly model: TwoTowerModel;
  private readonly base: Float32Array;
  private readonly mu: Float32Array;
  private bufs: Float32Array[] = [];
  private capacity = 0;

  constructor(model: TwoTowerModel) {
    this.model = model;
    const h1 = model.head.sizes[1];
    this.base = new Float32Array(h1);
    this.mu = new Float32Array(h1 * model.config.embeddingDim);
  }

  private ensure(n: number): void {
    if (n <= this.capacity) return;
    this.capacity = n;
    this.bufs = this.model.head.sizes.slice(1).map((d) => new Float32Array(n * d));
  }

  /**
   * Writes the click probability of each candidate into `out` (length ≥ n).
   * `candidateEmbeddings` is n × E (row-major item-tower outputs, e.g. from an embedding cache).
   */
  score(userEmbedding: Float32Array, context: Float32Array, candidateEmbeddings: Float32Array, n: number, out: Float32Array): Float32Array {
    const { head, config } = this.model;
    const e = config.embeddingDim;
    const c = config.contextDim;
    const inDim = 3 * e + c;
    const h1 = head.sizes[1];
    const W1 = head.weights[0].data;
    const b1 = head.biases[0].data;
    this.ensure(n);
    const base = this.base;
    const mu = this.mu;
    for (let o = 0; o < h1; o++) {
      const wo = o * inDim;
      let s = b1[o];
      for (let j = 0; j < e; j++) {
        s += W1[wo + j] * userEmbedding[j];
        mu[o * e + j] = W1[wo + e + j] + W1[wo + 2 * e + j] * userEmbedding[j];
      }
      for (let j = 0; j < c; j++) s += W1[wo + 3 * e + j] * context[j];
      base[o] = s;
    }
    // every candidate: relu(M_u i + base), one blocked mat-vec per candidate
    const hidden = this.bufs[0];
    linear(mu, base, candidateEmbeddings, n, e, h1, hidden);
    for (let t = 0; t < n * h1; t++) if (hidden[t] < 0) hidden[t] = 0;
    let cur = hidden;
    const layers = head.weights.length;
    for (let l = 1; l < layers; l++) {
      const y = this.bufs[l];
      linear(head.weights[l].data, head.biases[l].data, cur, n, head.sizes[l], head.sizes[l + 1], y);
      if (l < layers - 1) for (let t = 0; t < n * head.sizes[l + 1]; t++) if (y[t] < 0) y[t] = 0;
      cur = y;
    }
    for (let r = 0; r < n; r++) out[r] = 1 / (1 + Math.exp(-cur[r]));
    return out;
  }
}
