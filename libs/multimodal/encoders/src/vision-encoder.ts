import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { MlInputError, ModelUnavailableError } from '@frontier/ml-ports';

/** Port: images → embeddings (a CLIP-style vision tower). No default model ships. */
export interface VisionEncoder {
  readonly modelId: string;
  /** Square input side. */
  readonly size: number;
  readonly dimension: number;
  /** L2-normalised embeddings, one per image, one forward pass. A bad image rejects with MlInputError on `images[i]`. */
  embedBatch(images: readonly Uint8Array[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export interface OnnxVisionEncoderOptions {
  /** Directory with `model.onnx` (input pixel_values [N,3,S,S]) and optionally `preprocessor_config.json`. */
  dir: string;
  modelFile?: string;
  /** Input side; default: the model's static input shape, else the preprocessor's crop/size, else 224. */
  imageSize?: number;
  /** RGB mean/std after scaling to [0,1]; default the preprocessor's, else CLIP's. */
  mean?: [number, number, number];
  std?: [number, number, number];
  threads?: number;
  maxPixels?: number;
  modelId?: string;
}

const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

function readPreprocessor(dir: string, modelId: string): { size?: number; mean?: number[]; std?: number[] } {
  const file = path.join(dir, 'preprocessor_config.json');
  if (!existsSync(file)) return {};
  let pre: Record<string, unknown>;
  try {
    pre = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new ModelUnavailableError('embedding', modelId, `${file} is not valid JSON`, { cause: e });
  }
  const side = (v: unknown): number | undefined =>
    typeof v === 'number' ? v : v && typeof v === 'object' ? ((v as Record<string, number>)['height'] ?? (v as Record<string, number>)['shortest_edge']) : undefined;
  return { size: side(pre['crop_size']) ?? side(pre['size']), mean: pre['image_mean'] as number[] | undefined, std: pre['image_std'] as number[] | undefined };
}

/**
 * A CLIP-style vision encoder from an ONNX directory (e.g. `openai/clip-vit-large-patch14-336`'s
 * vision tower exported with optimum): each image is scaled so its short side is S and
 * centre-cropped to S×S (sharp `fit: cover`, as CLIP's processor), scaled to [0,1], normalised
 * with mean/std, batched as pixel_values [N,3,S,S]; the output used is `image_embeds`, else
 * `pooler_output`, else the first (a [N,T,D] output gives its first token), L2-normalised.
 */
export async function createOnnxVisionEncoder(options: OnnxVisionEncoderOptions): Promise<VisionEncoder> {
  const modelId = options.modelId ?? `onnx:${path.basename(path.resolve(options.dir))}`;
  const file = path.join(options.dir, options.modelFile ?? 'model.onnx');
  if (!existsSync(file)) throw new ModelUnavailableError('embedding', modelId, `model file ${file} not found (VISION_ENCODER_DIR)`);
  const pre = readPreprocessor(options.dir, modelId);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all', ...(options.threads ? { intraOpNumThreads: options.threads } : {}) });
  } catch (e) {
    throw new ModelUnavailableError('embedding', modelId, `cannot load ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const input = session.inputNames.includes('pixel_values') ? 'pixel_values' : session.inputNames[0];
  const output = ['image_embeds', 'pooler_output'].find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];
  if (!input || !output) throw new ModelUnavailableError('embedding', modelId, 'model has no input or output');
  const meta = session.inputMetadata.find((m) => m.name === input);
  const shape = meta && meta.isTensor ? meta.shape : [];
  if (shape.length && (shape.length !== 4 || (typeof shape[1] === 'number' && shape[1] !== 3))) {
    throw new ModelUnavailableError('embedding', modelId, `input ${input} has shape [${shape.join(',')}], expected [N,3,S,S]`);
  }
  const size = options.imageSize ?? (typeof shape[2] === 'number' ? shape[2] : undefined) ?? pre.size ?? 224;
  const mean = options.mean ?? (pre.mean as [number, number, number] | undefined) ?? CLIP_MEAN;
  const std = options.std ?? (pre.std as [number, number, number] | undefined) ?? CLIP_STD;
  const plane = size * size;

  async function pixels(image: Uint8Array, i: number, into: Float32Array): Promise<void> {
    let data: Buffer;
    try {
      data = await sharp(image, { failOn: 'error', limitInputPixels: options.maxPixels ?? 40_000_000, pages: 1 })
        .autoOrient()
        .flatten({ background: { r: 255, g: 255, b: 255 } })
        .toColourspace('srgb')
        .resize(size, size, { fit: 'cover', position: 'centre' })
        .removeAlpha()
        .raw()
        .toBuffer();
    } catch (e) {
      throw new MlInputError('corrupt_media', `images[${i}]`, `could not be decoded: ${e instanceof Error ? e.message : String(e)}`);
    }
    const base = i * 3 * plane;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) into[base + c * plane + p] = ((data[p * 3 + c] as number) / 255 - (mean[c] as number)) / (std[c] as number);
    }
  }

  let dimension = 0;
  async function embedBatch(images: readonly Uint8Array[]): Promise<Float32Array[]> {
    if (!images.length) return [];
    const x = new Float32Array(images.length * 3 * plane);
    await Promise.all(images.map((img, i) => pixels(img, i, x)));
    const out = (await session.run({ [input as string]: new ort.Tensor('float32', x, [images.length, 3, size, size]) }))[output as string];
    if (!out) throw new ModelUnavailableError('embedding', modelId, `no output ${output}`);
    const dims = out.dims as number[];
    const data = out.data as Float32Array;
    const n = images.length;
    // [N, D], or [N, T, D]: the first token (CLS)
    const d = dims[dims.length - 1] as number;
    const stride = dims.length === 3 ? (dims[1] as number) * d : d;
    return Array.from({ length: n }, (_, i) => {
      const v = data.slice(i * stride, i * stride + d);
      let norm = 0;
      for (const a of v) norm += a * a;
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < v.length; k++) v[k] = (v[k] as number) / norm;
      dimension = d;
      return v;
    });
  }

  // a probe run: a broken export fails at boot, and the dimension is known
  const probe = await sharp({ create: { width: size, height: size, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
  try {
    await embedBatch([probe]);
  } catch (e) {
    throw new ModelUnavailableError('embedding', modelId, `probe run failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return {
    modelId,
    size,
    get dimension() {
      return dimension;
    },
    embedBatch,
    close: () => session.release(),
  };
}
