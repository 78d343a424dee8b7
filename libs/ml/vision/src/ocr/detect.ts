/** PP-OCR text detection: DB pre-processing (resize, normalise) and post-processing (map → boxes). */
import type { RawImage } from '../image/decode';
import { expandRect, meanInsideQuad, minAreaRect, orderQuad, rectCorners, type Point } from './geometry';

export interface DetOptions {
  /** Longest side fed to the detector (PaddleOCR det_limit_side_len, limit_type max). */
  maxSide: number;
  /** Small images are scaled up until their shorter side reaches this (PaddleOCR 3 limit_type min), within maxSide. */
  minSide: number;
  /** Probability above which a map pixel is text (det_db_thresh). */
  binaryThreshold: number;
  /** Minimum mean probability inside a box (det_db_box_thresh). */
  boxThreshold: number;
  /** Offset distance = area × ratio / perimeter (det_db_unclip_ratio). */
  unclipRatio: number;
  /** Candidate components examined at most (max_candidates). */
  maxCandidates: number;
  /** Dilate the thresholded map with a 2×2 kernel before finding regions (use_dilation). */
  dilation: boolean;
}

export const DET_DEFAULTS: DetOptions = { maxSide: 960, minSide: 64, binaryThreshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, maxCandidates: 1000, dilation: false };

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
const MIN_SIZE = 3;

/**
 * Detector input size: shorter side scaled up to `minSide` when below it, longer side then capped
 * at `maxSide`, each side rounded to a multiple of 32 (≥ 32).
 */
export function detInputSize(width: number, height: number, maxSide: number, minSide = 0): { width: number; height: number } {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  let ratio = short < minSide ? minSide / short : 1;
  if (long * ratio > maxSide) ratio = maxSide / long;
  const round32 = (v: number) => Math.max(32, Math.round((v * ratio) / 32) * 32);
  return { width: round32(width), height: round32(height) };
}

/**
 * NCHW float tensor data for the detector from resized RGB: channels in BGR order (PaddleOCR
 * reads images with OpenCV), scaled to [0,1], normalised with ImageNet mean/std.
 */
export function detTensor(img: RawImage): Float32Array {
  const { width, height, data, channels } = img;
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = data[i * channels + (2 - c)] / 255; // c=0 → B
      out[c * plane + i] = (v - MEAN[c]) / STD[c];
    }
  }
  return out;
}

/** A detected text region in source-image pixels, corners clockwise from top-left. */
export interface DetBox {
  quad: [Point, Point, Point, Point];
  score: number;
}

interface Component {
  /** Per row: [y, minX, maxX]. */
  rows: Map<number, [number, number]>;
}

/** 8-connected components of `mask` (1 = text), each as its per-row x extents (enough for a hull). */
function components(mask: Uint8Array, w: number, h: number, limit: number): Component[] {
  const label = new Int32Array(w * h);
  const out: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < w * h; start++) {
    if (!mask[start] || label[start]) continue;
    if (out.length >= limit) break;
    const id = out.length + 1;
    const comp: Component = { rows: new Map() };
    label[start] = id;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      const y = (p / w) | 0;
      const x = p - y * w;
      const row = comp.rows.get(y);
      if (!row) comp.rows.set(y, [x, x]);
      else {
        if (x < row[0]) row[0] = x;
        if (x > row[1]) row[1] = x;
      }
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= w || (dx === 0 && dy === 0)) continue;
          const q = ny * w + nx;
          if (mask[q] && !label[q]) {
            label[q] = id;
            stack.push(q);
          }
        }
      }
    }
    out.push(comp);
  }
  return out;
}

/**
 * DB post-processing, as PaddleOCR's DBPostProcess (score_mode fast): threshold the probability
 * map, take each connected region's minimum-area rectangle, drop small or low-scoring ones, grow
 * it by the unclip distance, and scale back to the source image.
 */
export function boxesFromMap(map: Float32Array, mw: number, mh: number, srcW: number, srcH: number, o: DetOptions): DetBox[] {
  const mask = new Uint8Array(mw * mh);
  for (let i = 0; i < mask.length; i++) mask[i] = map[i] > o.binaryThreshold ? 1 : 0;
  if (o.dilation) dilate2x2(mask, mw, mh);
  const boxes: DetBox[] = [];
  for (const comp of components(mask, mw, mh, o.maxCandidates)) {
    const pts: Point[] = [];
    for (const [y, [x0, x1]] of comp.rows) {
      pts.push([x0, y]);
      if (x1 !== x0) pts.push([x1, y]);
    }
    const rect = minAreaRect(pts);
    if (Math.min(rect.w, rect.h) < MIN_SIZE) continue;
    const score = meanInsideQuad(map, mw, mh, rectCorners(rect));
    if (score < o.boxThreshold) continue;
    const distance = (rect.w * rect.h * o.unclipRatio) / (2 * (rect.w + rect.h));
    const grown = expandRect(rect, distance);
    if (Math.min(grown.w, grown.h) < MIN_SIZE + 2) continue;
    const sx = srcW / mw;
    const sy = srcH / mh;
    const corners = rectCorners(grown).map(([x, y]) => [clamp(Math.round(x * sx), 0, srcW), clamp(Math.round(y * sy), 0, srcH)] as Point);
    const quad = orderQuad(corners);
    const bw = Math.hypot(quad[1][0] - quad[0][0], quad[1][1] - quad[0][1]);
    const bh = Math.hypot(quad[3][0] - quad[0][0], quad[3][1] - quad[0][1]);
    if (bw <= 3 || bh <= 3) continue;
    boxes.push({ quad, score });
  }
  return boxes;
}

/** In-place 2×2 dilation (OpenCV anchor at the centre → each pixel takes the max of itself, left, up, up-left). */
function dilate2x2(mask: Uint8Array, w: number, h: number): void {
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (mask[i]) continue;
      if ((x > 0 && mask[i - 1] === 1) || (y > 0 && mask[i - w] === 1) || (x > 0 && y > 0 && mask[i - w - 1] === 1)) mask[i] = 2;
    }
  }
  for (let i = 0; i < mask.length; i++) if (mask[i]) mask[i] = 1;
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/**
 * Reading order: top-to-bottom, and left-to-right among boxes whose tops are within `tolerance`
 * pixels of each other (PaddleOCR's sorted_boxes uses 10 px).
 */
export function readingOrder<T extends { quad: readonly Point[] }>(boxes: readonly T[], tolerance = 10): T[] {
  const sorted = [...boxes].sort((a, b) => a.quad[0][1] - b.quad[0][1] || a.quad[0][0] - b.quad[0][0]);
  const rows: T[][] = [];
  for (const b of sorted) {
    const row = rows[rows.length - 1];
    if (row && Math.abs(b.quad[0][1] - row[0].quad[0][1]) < tolerance) row.push(b);
    else rows.push([b]);
  }
  return rows.flatMap((r) => r.sort((a, b) => a.quad[0][0] - b.quad[0][0]));
}
