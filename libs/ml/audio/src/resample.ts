/**
 * Band-limited resampling by polyphase windowed sinc.
 *
 * Each output sample y[n] sits at input position t = n·in/out and is the dot product of the input
 * around t with a sinc low-pass kernel windowed by a Kaiser window (β = 8, about 80 dB stop-band):
 *
 *   h(x) = 2·fc·sinc(2·fc·x) · kaiser(x / W),   |x| < W input samples
 *
 * The cut-off fc is 0.45 × min(in, out) (in cycles per input sample, 0.9 of the lower Nyquist
 * frequency), so when downsampling the kernel is also the anti-alias filter; the kernel spans
 * 24 zero crossings each side (48 kHz → 16 kHz: 160 taps, transition band ≈ 6.4–8 kHz). For a
 * rational ratio in/out = M/L there are only L distinct fractional positions, so the kernels are
 * tabulated per phase (≤ 4096 phases; beyond that computed per sample) and normalised to unit DC
 * gain. The filter is centred (zero phase): no delay is added, so timestamps survive resampling.
 *
 * The streaming form keeps the input tail a kernel needs, so any chunking of the same input gives
 * bit-identical output; the whole-clip `resample` is the streaming form fed once.
 */
import type { PcmAudio } from '@frontier/ml-ports';
import { checkSampleRate } from './pcm';

const ZERO_CROSSINGS = 24;
const KAISER_BETA = 8;
const ROLLOFF = 0.9;
const MAX_TABLE_PHASES = 4096;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

export class StreamingResampler {
  readonly ratio: number;
  private readonly L: number;
  private readonly M: number;
  private readonly fc: number;
  private readonly W: number;
  private readonly table: Float32Array | null;
  private readonly i0Beta = besselI0(KAISER_BETA);
  private buf: Float32Array;
  private len: number;
  /** Absolute input index of buf[0]; negative at first (the signal is zero before index 0). */
  private bufStart: number;
  private n = 0;
  private total = 0;
  private ended = false;

  constructor(
    readonly inRate: number,
    readonly outRate: number,
  ) {
    checkSampleRate(inRate);
    checkSampleRate(outRate, 'outRate');
    const g = gcd(inRate, outRate);
    this.L = outRate / g;
    this.M = inRate / g;
    this.ratio = outRate / inRate;
    this.fc = 0.5 * ROLLOFF * Math.min(1, this.ratio);
    this.W = Math.ceil(ZERO_CROSSINGS / (2 * this.fc));
    this.buf = new Float32Array(Math.max(4096, 4 * this.W));
    this.len = this.W;
    this.bufStart = -this.W;
    this.table = this.L <= MAX_TABLE_PHASES ? this.buildTable() : null;
  }

  private kernel(phase: number, out: Float32Array, at: number): void {
    const { W, fc } = this;
    const frac = phase / this.L;
    let sum = 0;
    for (let k = 0; k < 2 * W; k++) {
      const x = k - W + 1 - frac;
      const r = x / W;
      const win = Math.abs(r) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / this.i0Beta;
      const arg = 2 * fc * x;
      const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
      const h = 2 * fc * sinc * win;
      out[at + k] = h;
      sum += h;
    }
    for (let k = 0; k < 2 * W; k++) out[at + k] /= sum;
  }

  private buildTable(): Float32Array {
    const taps = 2 * this.W;
    const table = new Float32Array(this.L * taps);
    for (let p = 0; p < this.L; p++) this.kernel(p, table, p * taps);
    return table;
  }

  private append(x: Float32Array): void {
    if (this.len + x.length > this.buf.length) {
      const next = new Float32Array(Math.max(this.buf.length * 2, this.len + x.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(x, this.len);
    this.len += x.length;
  }

  /** Feeds input samples; returns the output samples they complete. */
  push(samples: Float32Array): Float32Array {
    if (this.ended) throw new Error('resampler already ended');
    this.total += samples.length;
    if (this.L === this.M) return samples.slice();
    this.append(samples);
    return this.drain(Infinity);
  }

  /** Flushes: the input is taken to be zero after its end. */
  end(): Float32Array {
    if (this.ended) return new Float32Array(0);
    this.ended = true;
    if (this.L === this.M) return new Float32Array(0);
    this.append(new Float32Array(2 * this.W));
    return this.drain(Math.ceil((this.total * this.L) / this.M));
  }

  private drain(limit: number): Float32Array {
    const { L, M, W } = this;
    const taps = 2 * W;
    const lastInput = this.bufStart + this.len - 1;
    const maxN = Math.min(limit, Math.ceil(((lastInput - W + 1) * L) / M));
    const count = Math.max(0, maxN - this.n);
    const out = new Float32Array(count);
    const scratch = this.table ? null : new Float32Array(taps);
    for (let i = 0; i < count; i++, this.n++) {
      const pos = this.n * M;
      const base = Math.floor(pos / L);
      const phase = pos - base * L;
      let kern: Float32Array;
      let kOff: number;
      if (this.table) {
        kern = this.table;
        kOff = phase * taps;
      } else {
        kern = scratch as Float32Array;
        this.kernel(phase, kern, 0);
        kOff = 0;
      }
      const first = base - W + 1 - this.bufStart;
      let acc = 0;
      for (let k = 0; k < taps; k++) acc += this.buf[first + k] * kern[kOff + k];
      out[i] = acc;
    }
    // drop input no later output needs
    const keepFrom = Math.floor((this.n * M) / L) - W + 1 - this.bufStart;
    if (keepFrom > 0 && keepFrom > this.buf.length / 2) {
      this.buf.copyWithin(0, keepFrom, this.len);
      this.len -= keepFrom;
      this.bufStart += keepFrom;
    }
    return out;
  }
}

/** Whole-clip resampling to `outRate` (a copy when the rate already matches). */
export function resample(audio: PcmAudio, outRate: number): PcmAudio {
  const r = new StreamingResampler(audio.sampleRate, outRate);
  const head = r.push(audio.samples);
  const tail = r.end();
  const samples = new Float32Array(head.length + tail.length);
  samples.set(head);
  samples.set(tail, head.length);
  return { samples, sampleRate: outRate };
}
