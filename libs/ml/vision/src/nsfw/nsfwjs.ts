import path from 'node:path';
import { MlInputError, ModelUnavailableError, type ClassScores, type ImageBytes, type ImageSafetyClassifier } from '@frontier/ml-ports';
import { BoundedQueue, WorkerPool, type WireError } from '@frontier/ml-runtime';
import { decodeResized } from '../image/decode';
import { loadNsfwjs, NSFW_CLASSES, NSFWJS_INPUT_SIZE, type NsfwjsModelName } from './nsfwjs-model';
import type { NsfwWorkerRequest } from './nsfwjs.worker';

export interface NsfwjsOptions {
  /** Bundled nsfwjs model. Default `MobileNetV2` (224×224). */
  model?: NsfwjsModelName;
  /** Run TF.js on the calling thread instead of worker threads (blocks the event loop). Default false. */
  inline?: boolean;
  /** Worker threads, each with its own model copy. Default 1. */
  workers?: number;
  /** Requests waiting for a free worker before QueueFullError. Default 32. */
  queueCapacity?: number;
  /** Largest image accepted, in pixels. Default 40 M. */
  maxPixels?: number;
}

export interface NsfwjsClassifier extends ImageSafetyClassifier {
  /**
   * Scores several images in one forward pass (decoded and resized concurrently, then one batch
   * through the model). An image that does not decode rejects the call with MlInputError on
   * `images[i]`; an empty list gives an empty list.
   */
  classifyBatch(images: readonly ImageBytes[]): Promise<ClassScores[]>;
  close(): Promise<void>;
}

/** Rebuilds the typed errors that crossed the worker boundary. */
export function rebuildMlError(e: WireError): Error {
  const f = e.fields ?? {};
  const msg = e.message.replace(/^[^:]+: /, '');
  if (e.name === 'MlInputError') return new MlInputError(f['code'] as MlInputError['code'], String(f['field']), msg);
  if (e.name === 'ModelUnavailableError') return new ModelUnavailableError(f['role'] as ModelUnavailableError['role'], String(f['modelId']), e.message.replace(/^.* unavailable: /, ''));
  return Object.assign(new Error(e.message), { name: e.name });
}

/**
 * nsfwjs 4 (MobileNetV2 bundled in the package) on the TF.js WASM backend. Images are decoded and
 * resized to the model's input with sharp on the calling thread; inference runs in worker threads.
 * Scores for Drawing/Hentai/Neutral/Porn/Sexy sum to ~1; thresholds are the caller's.
 */
export async function createNsfwjs(options: NsfwjsOptions = {}): Promise<NsfwjsClassifier> {
  const name = options.model ?? 'MobileNetV2';
  const modelId = `nsfwjs-${name}`;
  const size = NSFWJS_INPUT_SIZE[name];
  if (!size) throw new ModelUnavailableError('nsfw', modelId, `unknown bundled model ${String(name)}`);
  // a fresh buffer of exactly the pixels, so it can be transferred to a worker
  const decode = async (image: ImageBytes) => new Uint8Array((await decodeResized(image, size, size, { maxPixels: options.maxPixels })).data);
  const base = { modelId, adapter: 'tfjs-wasm-nsfwjs', classes: NSFW_CLASSES };
  /** The batch's pixels end to end, in a fresh buffer (transferable); decode errors name `images[i]`. */
  const decodeBatch = async (images: readonly ImageBytes[]): Promise<Uint8Array> => {
    const plane = size * size * 3;
    const all = new Uint8Array(images.length * plane);
    await Promise.all(
      images.map(async (image, i) => {
        const { data } = await decodeResized(image, size, size, { maxPixels: options.maxPixels, field: `images[${i}]` });
        all.set(data, i * plane);
      }),
    );
    return all;
  };

  if (options.inline) {
    const model = await loadNsfwjs(name);
    const queue = new BoundedQueue('nsfw', 1, options.queueCapacity ?? 32);
    return {
      ...base,
      classify: async (image) => {
        const pixels = await decode(image);
        return queue.run(() => model.classify(pixels));
      },
      classifyBatch: async (images) => {
        if (!images.length) return [];
        const pixels = await decodeBatch(images);
        return queue.run(() => model.classifyBatch(pixels, images.length));
      },
      close: async () => undefined,
    };
  }

  const workers = Math.max(1, options.workers ?? 1);
  const pool = new WorkerPool<NsfwWorkerRequest, ClassScores | ClassScores[] | null>(
    { role: 'nsfw', script: path.join(__dirname, 'nsfwjs.worker'), workerData: { model: name }, size: workers, capacity: options.queueCapacity ?? 32 },
    rebuildMlError,
  );
  try {
    // every worker loads its model now, so a broken install fails here rather than on first use
    await Promise.all(Array.from({ length: workers }, () => pool.call({ kind: 'ready' })));
  } catch (e) {
    await pool.close();
    throw e instanceof ModelUnavailableError ? e : new ModelUnavailableError('nsfw', modelId, e instanceof Error ? e.message : String(e), { cause: e });
  }
  return {
    ...base,
    classify: async (image) => {
      const pixels = await decode(image);
      const scores = await pool.call({ kind: 'classify', pixels }, [pixels.buffer as ArrayBuffer]);
      if (!scores || Array.isArray(scores)) throw new Error('nsfw worker returned no scores');
      return scores;
    },
    classifyBatch: async (images) => {
      if (!images.length) return [];
      const pixels = await decodeBatch(images);
      const scores = await pool.call({ kind: 'classifyBatch', pixels, n: images.length }, [pixels.buffer as ArrayBuffer]);
      if (!Array.isArray(scores) || scores.length !== images.length) throw new Error('nsfw worker returned no batch scores');
      return scores;
    },
    close: () => pool.close(),
  };
}
