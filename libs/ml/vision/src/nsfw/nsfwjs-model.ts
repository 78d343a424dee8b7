/**
 * nsfwjs on TF.js with the WASM backend, loaded from what npm ships: the `.wasm` binaries of
 * @tensorflow/tfjs-backend-wasm (by file path) and the model bundled inside nsfwjs. No network.
 * Runs on whichever thread imports it (the worker script, or the main thread when inline).
 */
import path from 'node:path';
import { ModelUnavailableError, type ClassScores } from '@frontier/ml-ports';

export type NsfwjsModelName = 'MobileNetV2' | 'MobileNetV2Mid' | 'InceptionV3';

/** Input side of each bundled model (nsfwjs model definitions). */
export const NSFWJS_INPUT_SIZE: Record<NsfwjsModelName, number> = { MobileNetV2: 224, MobileNetV2Mid: 224, InceptionV3: 299 };
export const NSFW_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const;

export interface NsfwjsModel {
  size: number;
  /** Scores for RGB pixels of size×size. */
  classify(pixels: Uint8Array): Promise<ClassScores>;
  /** Scores for `n` images of size×size RGB pixels laid end to end: one forward pass over the batch. */
  classifyBatch(pixels: Uint8Array, n: number): Promise<ClassScores[]>;
}

let backendReady: Promise<void> | undefined;

/** Selects the TF.js WASM backend once per thread, pointing it at the package's .wasm files. */
function wasmBackend(modelId: string): Promise<void> {
  backendReady ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': path.join(dir, 'tfjs-backend-wasm.wasm'),
      'tfjs-backend-wasm-simd.wasm': path.join(dir, 'tfjs-backend-wasm-simd.wasm'),
      'tfjs-backend-wasm-threaded-simd.wasm': path.join(dir, 'tfjs-backend-wasm-threaded-simd.wasm'),
    });
    if (!(await tf.setBackend('wasm'))) throw new ModelUnavailableError('nsfw', modelId, 'TF.js WASM backend failed to initialise');
    await tf.ready();
  })();
  return backendReady;
}

/** Loads a bundled nsfwjs model (base64 weights inside the package) on the WASM backend. */
export async function loadNsfwjs(name: NsfwjsModelName = 'MobileNetV2'): Promise<NsfwjsModel> {
  const modelId = `nsfwjs-${name}`;
  const size = NSFWJS_INPUT_SIZE[name];
  if (!size) throw new ModelUnavailableError('nsfw', modelId, `unknown bundled model ${String(name)}; use ${Object.keys(NSFWJS_INPUT_SIZE).join(', ')}`);
  try {
    await wasmBackend(modelId);
    const tf = await import('@tensorflow/tfjs');
    const nsfwjs = await import('nsfwjs');
    // nsfwjs announces the bundled model on console.info; keep logs clean
    const info = console.info;
    console.info = () => undefined;
    let model: Awaited<ReturnType<typeof nsfwjs.load>>;
    try {
      model = await nsfwjs.load(name, { size });
    } finally {
      console.info = info;
    }
    return {
      size,
      async classify(pixels: Uint8Array): Promise<ClassScores> {
        const input = tf.tensor3d(pixels, [size, size, 3], 'int32');
        try {
          const preds = await model.classify(input, NSFW_CLASSES.length);
          const scores: ClassScores = {};
          for (const c of NSFW_CLASSES) scores[c] = 0;
          for (const p of preds) scores[p.className] = p.probability;
          return scores;
        } finally {
          input.dispose();
        }
      },
      async classifyBatch(pixels: Uint8Array, n: number): Promise<ClassScores[]> {
        if (!Number.isInteger(n) || n < 1 || pixels.length !== n * size * size * 3) throw new Error(`classifyBatch: ${pixels.length} bytes are not ${n} images of ${size}×${size}×3`);
        // nsfwjs' own infer() reshapes to a batch of 1; the same preprocessing (÷255) on [n, size, size, 3]
        const probs = tf.tidy(() => model.model.predict(tf.tensor4d(pixels, [n, size, size, 3], 'int32').toFloat().div(255)) as InstanceType<typeof tf.Tensor>);
        try {
          const values = await probs.data();
          const k = NSFW_CLASSES.length;
          if (values.length !== n * k) throw new Error(`classifyBatch: model returned ${values.length} values for ${n} images`);
          return Array.from({ length: n }, (_, i) => {
            const scores: ClassScores = {};
            NSFW_CLASSES.forEach((c, j) => (scores[c] = values[i * k + j] as number));
            return scores;
          });
        } finally {
          probs.dispose();
        }
      },
    };
  } catch (e) {
    if (e instanceof ModelUnavailableError) throw e;
    throw new ModelUnavailableError('nsfw', modelId, e instanceof Error ? e.message : String(e), { cause: e });
  }
}
