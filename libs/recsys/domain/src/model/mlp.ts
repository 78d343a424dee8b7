import type { Rng } from '../random';

/** A trainable tensor and its gradient; `group` lets the head be updated alone. */
export interface Param {
  readonly name: string;
  readonly group: ParamGroup;
  readonly data: Float32Array;
  readonly grad: Float32Array;
}

export type ParamGroup = 'base' | 'head';

function param(name: string, group: ParamGroup, size: number): Param {
  return { name, group, data: new Float32Array(size), grad: new Float32Array(size) };
}

/**
 * A fully connected network on Float32Array batches (row-major B × dim). ReLU after every layer
 * but the last (linear). `forward` caches what `backward` needs; `backward` accumulates gradients
 * into the params and returns ∂L/∂input.
 */
export class Mlp {
  readonly sizes: readonly number[];
  readonly weights: Param[] = [];
  readonly biases: Param[] = [];
  private inputs: Float32Array[] = [];
  private outputs: Float32Array[] = [];
  private batch = 0;

  constructor(name: string, group: ParamGroup, sizes: readonly number[]) {
    if (sizes.length < 2) throw new RangeError('an MLP needs at least input and output sizes');
    this.sizes = sizes;
    for (let l = 0; l + 1 < sizes.length; l++) {
      this.weights.push(param(`${name}.W${l}`, group, sizes[l] * sizes[l + 1]));
      this.biases.push(param(`${name}.b${l}`, group, sizes[l + 1]));
    }
  }

  get params(): Param[] {
    return this.weights.flatMap((w, l) => [w, this.biases[l]]);
  }

  /** He-normal weights, zero biases. */
  init(rng: Rng): void {
    this.weights.forEach((w, l) => {
      const std = Math.sqrt(2 / this.sizes[l]);
      for (let t = 0; t < w.data.length; t++) w.data[t] = rng.normal() * std;
    });
    this.biases.forEach((b) => b.data.fill(0));
  }

  private ensure(batch: number): void {
    if (batch === this.batch) return;
    this.batch = batch;
    this.inputs = this.sizes.slice(0, -1).map((d) => new Float32Array(batch * d));
    this.outputs = this.sizes.slice(1).map((d) => new Float32Array(batch * d));
  }

  /** Forward pass over a batch; the returned array is reused by the next call. */
  forward(x: Float32Array, batch: number): Float32Array {
    this.ensure(batch);
    let cur = x;
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      this.inputs[l].set(cur.subarray(0, batch * nIn));
      const y = this.outputs[l];
      linear(this.weights[l].data, this.biases[l].data, cur, batch, nIn, nOut, y);
      if (l < last) for (let t = 0; t < y.length; t++) if (y[t] < 0) y[t] = 0;
      cur = y;
    }
    return cur;
  }

  /** Backward pass for the last `forward`; accumulates grads, returns ∂L/∂x (B × inputDim). */
  backward(dOut: Float32Array): Float32Array {
    const batch = this.batch;
    let dy = Float32Array.from(dOut.subarray(0, batch * this.sizes[this.sizes.length - 1]));
    for (let l = this.weights.length - 1; l >= 0; l--) {
      const nIn = this.sizes[l];
      const nOut = this.sizes[l + 1];
      if (l < this.weights.length - 1) {
        const y = this.outputs[l];
        for (let t = 0; t < dy.length; t++) if (y[t] <= 0) dy[t] = 0;
      }
      const x = this.inputs[l];
      const W = this.weights[l].data;
      const dW = this.weights[l].grad;
      const db = this.biases[l].grad;
      const dx = new Float32Array(batch * nIn);
      for (let r = 0; r < batch; r++) {
        const xo = r * nIn;
        for (let o = 0; o < nOut; o++) {
          const g = dy[r * nOut + o];
          if (g === 0) continue;
          db[o] += g;
          const wo = o * nIn;
          for (let i = 0; i < nIn; i++) {
            dW[wo + i] += g * x[xo + i];
            dx[xo + i] += g * W[wo + i];
          }
        }
      }
      dy = dx;
    }
    return dy;
  }
}

/**
 * y = x Wᵀ + b for a batch (W is nOut × nIn, row-major). Four outputs are computed together so
 * that four independent add chains hide the floating-point add latency and each input value is
 * loaded once per block (about 3x faster than one dot product at a time in V8).
 */
export function linear(
  W: Float32Array,
  b: Float32Array,
  x: Float32Array,
  batch: number,
  nIn: number,
  nOut: number,
  y: Float32Array,
): void {
  const blocked = nOut - (nOut % 4);
  for (let r = 0; r < batch; r++) {
    const xo = r * nIn;
    const yo = r * nOut;
    let o = 0;
    for (; o < blocked; o += 4) {
      const w0 = o * nIn;
      const w1 = w0 + nIn;
      const w2 = w1 + nIn;
      const w3 = w2 + nIn;
      let s0 = b[o];
      let s1 = b[o + 1];
      let s2 = b[o + 2];
      let s3 = b[o + 3];
      for (let i = 0; i < nIn; i++) {
        const xi = x[xo + i];
        s0 += W[w0 + i] * xi;
        s1 += W[w1 + i] * xi;
        s2 += W[w2 + i] * xi;
        s3 += W[w3 + i] * xi;
      }
      y[yo + o] = s0;
      y[yo + o + 1] = s1;
      y[yo + o + 2] = s2;
      y[yo + o + 3] = s3;
    }
    for (; o < nOut; o++) {
      const wo = o * nIn;
      let s = b[o];
      for (let i = 0; i < nIn; i++) s += W[wo + i] * x[xo + i];
      y[yo + o] = s;
    }
  }
}

export interface AdamOptions {
  readonly learningRate?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/** Adam (Kingma & Ba 2014) with a step count per tensor, so updating only the head is exact. */
export class Adam {
  private readonly m = new Map<Param, Float32Array>();
  private readonly v = new Map<Param, Float32Array>();
  private readonly t = new Map<Param, number>();
  readonly lr: number;
  readonly b1: number;
  readonly b2: number;
  readonly eps: number;

  constructor(options: AdamOptions = {}) {
    this.lr = options.learningRate ?? 1e-3;
    this.b1 = options.beta1 ?? 0.9;
    this.b2 = options.beta2 ?? 0.999;
    this.eps = options.epsilon ?? 1e-8;
  }

  /** Applies one step to `params` from their accumulated grads, then zeroes those grads. */
  step(params: readonly Param[]): void {
    for (const p of params) {
      let m = this.m.get(p);
      let v = this.v.get(p);
      if (!m || !v) {
        m = new Float32Array(p.data.length);
        v = new Float32Array(p.data.length);
        this.m.set(p, m);
        this.v.set(p, v);
      }
      const t = (this.t.get(p) ?? 0) + 1;
      this.t.set(p, t);
      const c1 = 1 / (1 - this.b1 ** t);
      const c2 = 1 / (1 - this.b2 ** t);
      const { data, grad } = p;
      for (let i = 0; i < data.length; i++) {
        const g = grad[i];
        m[i] = this.b1 * m[i] + (1 - this.b1) * g;
        v[i] = this.b2 * v[i] + (1 - this.b2) * g * g;
        data[i] -= (this.lr * m[i] * c1) / (Math.sqrt(v[i] * c2) + this.eps);
        grad[i] = 0;
      }
    }
  }
}
