/** PP-OCR recognition and angle classification: tensors from crops, greedy CTC decoding. */
import type { RawImage } from '../image/decode';
import { resizeRaw } from '../image/decode';

export const REC_HEIGHT = 48;
/** PaddleOCR rec_image_shape 3,48,320: batches are at least 320 wide. */
export const REC_MIN_WIDTH = 320;
export const CLS_WIDTH = 192;

/**
 * Resizes each crop to height 48 keeping its aspect ratio (width ≤ `width`), normalises to
 * [-1, 1] in BGR order and right-pads with 0 into one [N,3,48,width] batch (resize_norm_img).
 */
export async function lineBatchTensor(crops: readonly RawImage[], width: number): Promise<Float32Array> {
  const plane = REC_HEIGHT * width;
  const out = new Float32Array(crops.length * 3 * plane);
  for (let n = 0; n < crops.length; n++) {
    const crop = crops[n];
    const rw = Math.max(1, Math.min(width, Math.ceil((REC_HEIGHT * crop.width) / crop.height)));
    const resized = await resizeRaw(crop, rw, REC_HEIGHT);
    const base = n * 3 * plane;
    for (let y = 0; y < REC_HEIGHT; y++) {
      for (let x = 0; x < rw; x++) {
        const s = (y * rw + x) * 3;
        for (let c = 0; c < 3; c++) out[base + c * plane + y * width + x] = resized.data[s + (2 - c)] / 127.5 - 1;
      }
    }
  }
  return out;
}

/** Width of a recognition batch: 48 × the widest aspect ratio in it, at least 320. */
export function batchWidth(crops: readonly RawImage[]): number {
  const maxRatio = Math.max(REC_MIN_WIDTH / REC_HEIGHT, ...crops.map((c) => c.width / c.height));
  return Math.ceil(REC_HEIGHT * maxRatio);
}

/** `ppocr_keys_v1.txt` lines, plus the space PaddleOCR appends with use_space_char=True. */
export function ctcDictionary(keysText: string, classes: number): string[] {
  const keys = keysText.replace(/\r/g, '').split('\n');
  if (keys[keys.length - 1] === '') keys.pop();
  // index 0 is the CTC blank; the model's last class is the appended space
  const dict = ['', ...keys];
  if (dict.length === classes - 1) dict.push(' ');
  return dict;
}

export interface DecodedLine {
  text: string;
  /** Mean probability of the emitted characters (0 when none). */
  score: number;
}

/**
 * Greedy CTC over probabilities [N, T, C]: argmax per step, collapse repeats, drop blanks (0).
 */
export function ctcGreedy(probs: Float32Array, n: number, steps: number, classes: number, dict: readonly string[]): DecodedLine[] {
  const out: DecodedLine[] = [];
  for (let b = 0; b < n; b++) {
    let text = '';
    let sum = 0;
    let count = 0;
    let prev = -1;
    for (let t = 0; t < steps; t++) {
      const base = (b * steps + t) * classes;
      let best = 0;
      let bestP = probs[base];
      for (let c = 1; c < classes; c++) {
        const p = probs[base + c];
        if (p > bestP) {
          bestP = p;
          best = c;
        }
      }
      if (best !== 0 && best !== prev) {
        text += dict[best] ?? '';
        sum += bestP;
        count++;
      }
      prev = best;
    }
    out.push({ text, score: count ? sum / count : 0 });
  }
  return out;
}

/** Angle-classifier batch [N,3,48,192]: same normalisation as recognition, fixed width. */
export function clsBatchTensor(crops: readonly RawImage[]): Promise<Float32Array> {
  return lineBatchTensor(crops, CLS_WIDTH);
}
