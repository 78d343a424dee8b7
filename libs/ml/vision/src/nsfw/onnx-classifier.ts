import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { ModelUnavailableError, type ClassScores, type ImageBytes, type ImageSafetyClassifier } from '@frontier/ml-ports';
import { BoundedQueue } from '@frontier/ml-runtime';
import { decodeResized } from '../image/decode';
import { openSession } from '../onnx-session';

export interface OnnxImageClassifierOptions {
  /** Directory with `model.onnx` and `config.json` (id2label), optionally `preprocessor_config.json`. */
  dir: string;
  /** Model file inside `dir`. Default `model.onnx`. */
  modelFile?: string;
  /** Square input side; default from the config (`image_size`, or preprocessor `size`), else 224. */
  imageSize?: number;
  /** Per-channel RGB mean/std applied after scaling to [0,1]; default from the config, else 0.5/0.5 (ViT). */
  mean?: [number, number, number];
  std?: [number, number, number];
  /** Input layout; default from the model's input shape (channels-first when dim 1 is 3). */
  layout?: 'nchw' | 'nhwc';
  /** Whether the output is logits (softmax applied) or probabilities; `auto` checks the values. Default auto. */
  output?: 'logits' | 'probabilities' | 'auto';
  /** Reported model id. Default `onnx:<dir name>`. */
  modelId?: string;
  /** Largest image accepted, in pixels. Default 40 M. */
  maxPixels?: number;
  /** Requests waiting beyond the one running before QueueFullError. Default 32. */
  queueCapacity?: number;
  /** onnxruntime intra-op threads. Default: onnxruntime's. */
  threads?: number;
}

interface DirConfig {
  labels: string[];
  size?: number;
  mean?: number[];
  std?: number[];
}

function readJson(file: string, modelId: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ModelUnavailableError('nsfw', modelId, `${file} is not valid JSON`, { cause: e });
  }
}

/** Labels (id2label, in id order) and preprocessing from config.json / preprocessor_config.json (Hugging Face layout). */
function readDirConfig(dir: string, modelId: string): DirConfig {
  const config = readJson(path.join(dir, 'config.json'), modelId);
  if (!config) throw new ModelUnavailableError('nsfw', modelId, `config.json not found in ${dir}`);
  const id2label = config['id2label'];
  if (!id2label || typeof id2label !== 'object') throw new ModelUnavailableError('nsfw', modelId, 'config.json has no id2label');
  const entries = Object.entries(id2label as Record<string, unknown>).map(([k, v]) => [Number(k), String(v)] as const);
  entries.sort((a, b) => a[0] - b[0]);
  if (entries.some(([k], i) => k !== i)) throw new ModelUnavailableError('nsfw', modelId, 'id2label keys must be 0..n-1');
  const pre = readJson(path.join(dir, 'preprocessor_config.json'), modelId) ?? {};
  const preSize = pre['size'];
  const size =
    (config['image_size'] as number | undefined) ??
    (typeof preSize === 'number' ? preSize : typeof preSize === 'object' && preSize ? ((preSize as Record<string, number>)['height'] ?? (preSize as Record<string, number>)['shortest_edge']) : undefined);
  return {
    labels: entries.map(([, v]) => v),
    size,
    mean: (config['image_mean'] ?? pre['image_mean']) as number[] | undefined,
    std: (config['image_std'] ?? pre['image_std']) as number[] | undefined,
  };
}

export function softmax(x: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) max = Math.max(max, x[i] as number);
  const e = Array.from(x, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

const looksLikeProbabilities = (x: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v < 0 || v > 1) return false;
    sum += v;
  }
  return Math.abs(sum - 1) < 1e-3;
};

/**
 * Image classifier from an ONNX model directory (e.g. a ViT NSFW classifier exported with
 * optimum): decode + resize (sharp), scale to [0,1], normalise with mean/std, run, softmax,
 * and name the scores by id2label.
 */
export async function createOnnxImageClassifier(options: OnnxImageClassifierOptions): Promise<ImageSafetyClassifier & { close(): Promise<void> }> {
  const modelId = options.modelId ?? `onnx:${path.basename(path.resolve(options.dir))}`;
  const cfg = readDirConfig(options.dir, modelId);
  const session = await openSession('nsfw', modelId, path.join(options.dir, options.modelFile ?? 'model.onnx'), options.threads);
  const size = options.imageSize ?? cfg.size ?? 224;
  const mean = options.mean ?? cfg.mean ?? [0.5, 0.5, 0.5];
  const std = options.std ?? cfg.std ?? [0.5, 0.5, 0.5];
  if (mean.length !== 3 || std.length !== 3 || std.some((s) => !(s > 0))) throw new ModelUnavailableError('nsfw', modelId, 'mean/std must be 3 numbers (std > 0)');
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  if (!inputName || !outputName) throw new ModelUnavailableError('nsfw', modelId, 'model has no input or output');
  const meta = session.inputMetadata[0];
  const shape = meta && meta.isTensor ? meta.shape : [];
  const layout = options.layout ?? (shape[1] === 3 ? 'nchw' : shape[3] === 3 ? 'nhwc' : 'nchw');
  const queue = new BoundedQueue('nsfw', 1, options.queueCapacity ?? 32);
  const mode = options.output ?? 'auto';

  async function classify(image: ImageBytes): Promise<ClassScores> {
    const { data } = await decodeResized(image, size, size, { maxPixels: options.maxPixels });
    const plane = size * size;
    const x = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) {
        const v = ((data[i * 3 + c] as number) / 255 - (mean[c] as number)) / (std[c] as number);
        x[layout === 'nchw' ? c * plane + i : i * 3 + c] = v;
      }
    }
    const dims = layout === 'nchw' ? [1, 3, size, size] : [1, size, size, 3];
    const out = (await session.run({ [inputName as string]: new ort.Tensor('float32', x, dims) }))[outputName as string];
    const raw = out?.data as Float32Array | undefined;
    if (!raw || raw.length !== cfg.labels.length) throw new ModelUnavailableError('nsfw', modelId, `model output has ${raw?.length ?? 0} values, config.json names ${cfg.labels.length} labels`);
    const probs = mode === 'probabilities' || (mode === 'auto' && looksLikeProbabilities(raw)) ? Array.from(raw) : softmax(raw);
    const scores: ClassScores = {};
    cfg.labels.forEach((l, i) => (scores[l] = probs[i] as number));
    return scores;
  }

  return {
    modelId,
    adapter: 'onnx-image-classifier',
    classes: cfg.labels,
    classify: (image) => queue.run(() => classify(image)),
    close: () => session.release(),
  };
}
