/** Cuts a (possibly rotated) text quad out of an image, straightened by a perspective warp. */
import type { RawImage } from '../image/decode';
import type { Point } from './geometry';

/** Solves A·x = b (n×n, partial pivoting); returns undefined for a singular system. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    if (Math.abs(m[piv][c]) < 1e-12) return undefined;
    [m[c], m[piv]] = [m[piv], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/** Homography H (row-major 3×3, h33 = 1) with H·from[i] ∝ to[i]. */
export function homography(from: readonly Point[], to: readonly Point[]): number[] | undefined {
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i];
    const [u, v] = to[i];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    b.push(u);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    b.push(v);
  }
  const h = solve(a, b);
  return h ? [...h, 1] : undefined;
}

/**
 * Grows a quad (clockwise from top-left) outward by `fraction` of its height on every side, so the
 * recogniser sees some background around the glyphs.
 */
export function padQuad(quad: readonly Point[], fraction: number): Point[] {
  const [p0, p1, , p3] = quad as [Point, Point, Point, Point];
  const wlen = Math.hypot(p1[0] - p0[0], p1[1] - p0[1]) || 1;
  const hlen = Math.hypot(p3[0] - p0[0], p3[1] - p0[1]) || 1;
  const u: Point = [(p1[0] - p0[0]) / wlen, (p1[1] - p0[1]) / wlen];
  const v: Point = [(p3[0] - p0[0]) / hlen, (p3[1] - p0[1]) / hlen];
  const pad = fraction * Math.min(wlen, hlen);
  const signs: Array<[number, number]> = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ];
  return quad.map((p, i) => [p[0] + pad * (signs[i][0] * u[0] + signs[i][1] * v[0]), p[1] + pad * (signs[i][0] * u[1] + signs[i][1] * v[1])] as Point);
}

/**
 * PaddleOCR's get_rotate_crop_image: the crop is as wide as the quad's longer horizontal edge and
 * as tall as its longer vertical edge, sampled bilinearly (edges replicated); crops at least 1.5×
 * taller than wide are turned 90° counter-clockwise (vertical text read as a line).
 */
export function cropQuad(img: RawImage, quad: readonly Point[]): RawImage {
  const [p0, p1, p2, p3] = quad as [Point, Point, Point, Point];
  const dist = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const w = Math.max(1, Math.round(Math.max(dist(p0, p1), dist(p3, p2))));
  const h = Math.max(1, Math.round(Math.max(dist(p0, p3), dist(p1, p2))));
  const dst: Point[] = [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ];
  // maps crop pixels back to source pixels
  const H = homography(dst, [p0, p1, p2, p3]) ?? [1, 0, p0[0], 0, 1, p0[1], 0, 0, 1];
  const { data, width: sw, height: sh, channels: ch } = img;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // sample at the pixel centre
      const fx = x + 0.5;
      const fy = y + 0.5;
      const den = H[6] * fx + H[7] * fy + H[8];
      const sx = Math.min(sw - 1, Math.max(0, (H[0] * fx + H[1] * fy + H[2]) / den - 0.5));
      const sy = Math.min(sh - 1, Math.max(0, (H[3] * fx + H[4] * fy + H[5]) / den - 0.5));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(sw - 1, x0 + 1);
      const y1 = Math.min(sh - 1, y0 + 1);
      const ax = sx - x0;
      const ay = sy - y0;
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v00 = data[(y0 * sw + x0) * ch + c];
        const v01 = data[(y0 * sw + x1) * ch + c];
        const v10 = data[(y1 * sw + x0) * ch + c];
        const v11 = data[(y1 * sw + x1) * ch + c];
        out[o + c] = Math.round((v00 * (1 - ax) + v01 * ax) * (1 - ay) + (v10 * (1 - ax) + v11 * ax) * ay);
      }
    }
  }
  const crop: RawImage = { data: out, width: w, height: h, channels: 3 };
  return h / w >= 1.5 ? rotate90ccw(crop) : crop;
}

/** Rotates RGB pixels 90° counter-clockwise (numpy rot90). */
export function rotate90ccw(img: RawImage): RawImage {
  const { width: w, height: h, data } = img;
  const out = new Uint8Array(w * h * 3);
  // new image is h wide, w tall; new (x', y') = old (w - 1 - y', x')
  for (let ny = 0; ny < w; ny++) {
    for (let nx = 0; nx < h; nx++) {
      const src = (nx * w + (w - 1 - ny)) * 3;
      const dst = (ny * h + nx) * 3;
      out[dst] = data[src];
      out[dst + 1] = data[src + 1];
      out[dst + 2] = data[src + 2];
    }
  }
  return { data: out, width: h, height: w, channels: 3 };
}

/** Rotates RGB pixels by 180°. */
export function rotate180(img: RawImage): RawImage {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const j = n - 1 - i;
    out[i * 3] = img.data[j * 3];
    out[i * 3 + 1] = img.data[j * 3 + 1];
    out[i * 3 + 2] = img.data[j * 3 + 2];
  }
  return { ...img, data: out };
}
