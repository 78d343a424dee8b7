import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MlInputError, ModelUnavailableError, type TextEmbedder } from '@frontier/ml-ports';
import { BoundedQueue } from '@frontier/ml-runtime';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { chunk } from '../batching';
import { DEFAULT_MAX_CHARS, l2normalize, positiveInt, validateTexts } from '../validate';
import { poolTokens, type Pooling } from './pooling';
import { loadDirTokenizer } from './tokenizer';

export interface OnnxDirEmbedderOptions {
  /** Directory with `model.onnx` (or `onnx/model.onnx`), `tokenizer.json` and optionally `tokenizer_config.json`, `config.json`, `1_Pooling/config.json`. */
  dir: string;
  /** Reported model id. Default `onnx:<dir name>`. */
  modelId?: string;
  /** ONNX file inside `dir`. Default `model.onnx`, then `onnx/model.onnx`. */
  modelFile?: string;
  /** Token pooling. Default: what `1_Pooling/config.json` says, else `mean`. Ignored when the model outputs pooled [B, H] vectors. */
  pooling?: Pooling;
  /** L2-normalise the vectors (the TextEmbedder contract). Default true. */
  normalize?: boolean;
  /** Tokens per text, special tokens included; longer texts are truncated. Default min(512, model_max_length, max_position_embeddings). */
  maxTokens?: number;
  /** Longest accepted text in characters. Default 8192. */
  maxChars?: number;
  /** Texts per ONNX run (texts are sorted by length first, so padding stays small). Default 32. */
  batchSize?: number;
  /** Output to pool. Default `last_hidden_state`, then `token_embeddings`, then `sentence_embedding`, then the first output. */
  outputName?: string;
  /** onnxruntime intra-op threads. Default: onnxruntime's choice (all cores). */
  intraOpNumThreads?: number;
  /** Batches waiting for the session before QueueFullError. Default 64. */
  queueCapacity?: number;
}

type IdType = 'int64' | 'int32';

function readOptionalJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Pooling named by a sentence-transformers `1_Pooling/config.json`, if any. */
function configuredPooling(dir: string): Pooling | undefined {
  const cfg = readOptionalJson(path.join(dir, '1_Pooling', 'config.json'));
  if (cfg?.['pooling_mode_cls_token'] === true) return 'cls';
  if (cfg?.['pooling_mode_mean_tokens'] === true) return 'mean';
  return undefined;
}

function idTensor(ort: typeof import('onnxruntime-node'), type: IdType, rows: number[][], T: number, fill: (row: number[], t: number) => number): OrtTensor {
  const B = rows.length;
  if (type === 'int32') {
    const data = new Int32Array(B * T);
    rows.forEach((r, b) => {
      for (let t = 0; t < T; t++) data[b * T + t] = fill(r, t);
    });
    return new ort.Tensor('int32', data, [B, T]);
  }
  const data = new BigInt64Array(B * T);
  rows.forEach((r, b) => {
    for (let t = 0; t < T; t++) data[b * T + t] = BigInt(fill(r, t));
  });
  return new ort.Tensor('int64', data, [B, T]);
}

/**
 * A sentence-transformers style model directory on onnxruntime-node: transformers.js tokenizer
 * (local files only), input_ids / attention_mask / token_type_ids as the model declares them,
 * masked mean (or CLS) pooling, L2 normalisation. One session, runs queued (bounded).
 */
export async function createOnnxDirEmbedder(options: OnnxDirEmbedderOptions): Promise<TextEmbedder> {
  const dir = path.resolve(options.dir);
  const modelId = options.modelId ?? `onnx:${path.basename(dir)}`;
  if (!existsSync(dir)) throw new ModelUnavailableError('embedding', modelId, `model directory ${dir} does not exist`);
  const candidates = options.modelFile ? [options.modelFile] : ['model.onnx', path.join('onnx', 'model.onnx')];
  const modelFile = candidates.map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!modelFile) throw new ModelUnavailableError('embedding', modelId, `no ${candidates.join(' or ')} in ${dir}`);
  const batchSize = positiveInt(options.batchSize, 32, 'options.batchSize');
  const maxChars = positiveInt(options.maxChars, DEFAULT_MAX_CHARS, 'options.maxChars');
  const normalize = options.normalize ?? true;

  const config = readOptionalJson(path.join(dir, 'config.json'));
  const maxPositions = typeof config?.['max_position_embeddings'] === 'number' ? config['max_position_embeddings'] : Number.POSITIVE_INFINITY;
  const tokenizer = await loadDirTokenizer(dir, modelId);
  const maxTokens = options.maxTokens === undefined ? Math.min(512, maxPositions, tokenizer.modelMaxLength) : positiveInt(options.maxTokens, 512, 'options.maxTokens');

  let ort: typeof import('onnxruntime-node');
  let session: InferenceSession;
  try {
    ort = await import('onnxruntime-node');
    session = await ort.InferenceSession.create(modelFile, {
      graphOptimizationLevel: 'all',
      ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    });
  } catch (e) {
    throw new ModelUnavailableError('embedding', modelId, `onnxruntime could not load ${modelFile}: ${(e as Error).message}`, { cause: e });
  }

  const inputs = new Map(session.inputMetadata.map((m) => [m.name, m]));
  const idType = (name: string): IdType => {
    const m = inputs.get(name);
    return m?.isTensor && m.type === 'int32' ? 'int32' : 'int64';
  };
  if (!inputs.has('input_ids')) throw new ModelUnavailableError('embedding', modelId, `model has no input_ids input (inputs: ${session.inputNames.join(', ')})`);
  const outputName = options.outputName ?? ['last_hidden_state', 'token_embeddings', 'sentence_embedding'].find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];
  if (!session.outputNames.includes(outputName)) throw new ModelUnavailableError('embedding', modelId, `model has no output ${outputName} (outputs: ${session.outputNames.join(', ')})`);
  const outMeta = session.outputMetadata.find((m) => m.name === outputName);
  const declaredDim = outMeta?.isTensor ? outMeta.shape[outMeta.shape.length - 1] : undefined;
  const pooling: Pooling = options.pooling ?? configuredPooling(dir) ?? 'mean';
  const queue = new BoundedQueue('embedding', 1, options.queueCapacity ?? 64);

  const run = async (rows: number[][]): Promise<Float32Array[]> => {
    const T = Math.max(...rows.map((r) => r.length));
    const feeds: Record<string, OrtTensor> = {
      input_ids: idTensor(ort, idType('input_ids'), rows, T, (r, t) => (t < r.length ? r[t] : tokenizer.padId)),
    };
    const mask = idTensor(ort, idType('attention_mask'), rows, T, (r, t) => (t < r.length ? 1 : 0));
    if (inputs.has('attention_mask')) feeds['attention_mask'] = mask;
    // single sentences are all segment 0
    if (inputs.has('token_type_ids')) feeds['token_type_ids'] = idTensor(ort, idType('token_type_ids'), rows, T, () => 0);
    const result = await queue.run(() => session.run(feeds, [outputName]));
    const out = result[outputName];
    if (out.type !== 'float32') throw new ModelUnavailableError('embedding', modelId, `output ${outputName} is ${out.type}, expected float32`);
    const data = out.data as Float32Array;
    if (out.dims.length === 2 && out.dims[0] === rows.length) {
      const H = out.dims[1];
      return rows.map((_, b) => data.slice(b * H, (b + 1) * H));
    }
    if (out.dims.length !== 3 || out.dims[0] !== rows.length || out.dims[1] !== T) throw new ModelUnavailableError('embedding', modelId, `output ${outputName} has shape [${out.dims.join(', ')}], expected [${rows.length}, ${T}, H]`);
    return poolTokens(data, [out.dims[0], out.dims[1], out.dims[2]], mask.data as ArrayLike<number | bigint>, pooling);
  };

  const embed = async (texts: readonly string[]): Promise<Float32Array[]> => {
    validateTexts(texts, maxChars);
    const ids = texts.map((t, i) => {
      const row = tokenizer.encode(t, maxTokens);
      if (row.length === 0) throw new MlInputError('empty_input', `texts[${i}]`, 'has no tokens the model can read');
      return row;
    });
    // length-sorted batches waste little compute on padding; results go back to input order
    const order = ids.map((_, i) => i).sort((a, b) => ids[a].length - ids[b].length);
    const out = new Array<Float32Array>(texts.length);
    for (const batch of chunk(order, batchSize)) {
      const vectors = await run(batch.map((i) => ids[i]));
      batch.forEach((i, k) => (out[i] = normalize ? l2normalize(vectors[k]) : vectors[k]));
    }
    return out;
  };

  // the width is declared in the graph for most exports; otherwise one probe run tells it
  const dimension = typeof declaredDim === 'number' && declaredDim > 0 ? declaredDim : (await embed(['dimension probe']))[0].length;
  return {
    modelId,
    adapter: 'onnx-dir',
    dimension,
    embed,
    close: () => session.release(),
  };
}
