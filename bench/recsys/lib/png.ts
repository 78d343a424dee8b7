/**
 * A tiny PNG rasteriser for bench charts: an RGB canvas, lines, rectangles, a 3×5 bitmap font,
 * and a PNG encoder (node:zlib deflate + CRC32). No plotting library needed.
 */
import { deflateSync } from 'node:zlib';

export type Rgb = readonly [number, number, number];

export class Canvas {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) this.pixels.set(background, p * 3);
  }

  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.pixels.set(c, (y * this.width + x) * 3);
  }

  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.set(x + i, y + j, c);
  }

  /** Line of the given thickness (Bresenham, square brush). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1): void {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    const r = Math.floor(thickness / 2);
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) this.set(x + dx, y + dy, c);
    }
  }

  polyline(points: readonly (readonly [number, number])[], c: Rgb, thickness = 2): void {
    for (let i = 1; i < points.length; i++) this.line(points[i - 1][0], points[i - 1][1], points[i][0], points[i][1], c, thickness);
  }

  /** Draws text with the 3×5 font scaled by `scale` (uppercase letters, digits, . % - : / space). */
  text(x: number, y: number, s: string, c: Rgb, scale = 2): void {
    let cx = x;
    for (const ch of s.toUpperCase()) {
      const glyph = FONT[ch];
      if (glyph) {
        for (let row = 0; row < 5; row++) {
          for (let col = 0; col < 3; col++) if (glyph[row][col] === '#') this.fillRect(cx + col * scale, y + row * scale, scale, scale, c);
        }
      }
      cx += 4 * scale;
    }
  }

  toPng(): Uint8Array {
    const raw = new Uint8Array((this.width * 3 + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * (this.width * 3 + 1)] = 0; // filter: none
      raw.set(this.pixels.subarray(y * this.width * 3, (y + 1) * this.width * 3), y * (this.width * 3 + 1) + 1);
    }
    const ihdr = new Uint8Array(13);
    const v = new DataView(ihdr.buffer);
    v.setUint32(0, this.width);
    v.setUint32(4, this.height);
    ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, no filter set, no interlace
    return concat([Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
  }
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const g = (...rows: string[]): string[] => rows;
const FONT: Record<string, string[]> = {
  '0': g('###', '#.#', '#.#', '#.#', '###'),
  '1': g('.#.', '##.', '.#.', '.#.', '###'),
  '2': g('###', '..#', '###', '#..', '###'),
  '3': g('###', '..#', '.##', '..#', '###'),
  '4': g('#.#', '#.#', '###', '..#', '..#'),
  '5': g('###', '#..', '###', '..#', '###'),
  '6': g('###', '#..', '###', '#.#', '###'),
  '7': g('###', '..#', '.#.', '.#.', '.#.'),
  '8': g('###', '#.#', '###', '#.#', '###'),
  '9': g('###', '#.#', '###', '..#', '###'),
  '.': g('...', '...', '...', '...', '.#.'),
  '%': g('#.#', '..#', '.#.', '#..', '#.#'),
  '-': g('...', '...', '###', '...', '...'),
  ':': g('...', '.#.', '...', '.#.', '...'),
  '/': g('..#', '..#', '.#.', '#..', '#..'),
  '+': g('...', '.#.', '###', '.#.', '...'),
  '=': g('...', '###', '...', '###', '...'),
  '(': g('.#.', '#..', '#..', '#..', '.#.'),
  ')': g('.#.', '..#', '..#', '..#', '.#.'),
  ' ': g('...', '...', '...', '...', '...'),
  A: g('.#.', '#.#', '###', '#.#', '#.#'),
  B: g('##.', '#.#', '##.', '#.#', '##.'),
  C: g('###', '#..', '#..', '#..', '###'),
  D: g('##.', '#.#', '#.#', '#.#', '##.'),
  E: g('###', '#..', '##.', '#..', '###'),
  F: g('###', '#..', '##.', '#..', '#..'),
  G: g('###', '#..', '#.#', '#.#', '###'),
  H: g('#.#', '#.#', '###', '#.#', '#.#'),
  I: g('###', '.#.', '.#.', '.#.', '###'),
  J: g('..#', '..#', '..#', '#.#', '###'),
  K: g('#.#', '#.#', '##.', '#.#', '#.#'),
  L: g('#..', '#..', '#..', '#..', '###'),
  M: g('#.#', '###', '###', '#.#', '#.#'),
  N: g('##.', '#.#', '#.#', '#.#', '#.#'),
  O: g('###', '#.#', '#.#', '#.#', '###'),
  P: g('###', '#.#', '###', '#..', '#..'),
  Q: g('###', '#.#', '#.#', '###', '..#'),
  R: g('##.', '#.#', '##.', '#.#', '#.#'),
  S: g('###', '#..', '###', '..#', '###'),
  T: g('###', '.#.', '.#.', '.#.', '.#.'),
  U: g('#.#', '#.#', '#.#', '#.#', '###'),
  V: g('#.#', '#.#', '#.#', '#.#', '.#.'),
  W: g('#.#', '#.#', '###', '###', '#.#'),
  X: g('#.#', '#.#', '.#.', '#.#', '#.#'),
  Y: g('#.#', '#.#', '.#.', '.#.', '.#.'),
  Z: g('###', '..#', '.#.', '#..', '###'),
};

export interface Series {
  readonly label: string;
  readonly color: Rgb;
  readonly values: readonly number[];
}

/** A line chart: axes with tick labels, one polyline per series, a legend of coloured boxes. */
export function lineChart(series: readonly Series[], opts: { title: string; xLabel: string; yLabel: string; width?: number; height?: number }): Uint8Array {
  const W = opts.width ?? 900;
  const H = opts.height ?? 520;
  const c = new Canvas(W, H);
  const left = 80;
  const right = W - 30;
  const top = 60;
  const bottom = H - 70;
  const black: Rgb = [0, 0, 0];
  const grey: Rgb = [220, 220, 220];
  const n = Math.max(...series.map((s) => s.values.length));
  const maxY = Math.max(...series.flatMap((s) => s.values)) * 1.1;
  const yStep = niceStep(maxY / 5);
  const yTop = Math.ceil(maxY / yStep) * yStep;
  const px = (i: number) => left + ((right - left) * i) / Math.max(1, n - 1);
  const py = (v: number) => bottom - ((bottom - top) * v) / yTop;
  for (let v = 0; v <= yTop + 1e-12; v += yStep) {
    c.line(left, py(v), right, py(v), grey);
    const label = `${(100 * v).toFixed(yStep < 0.01 ? 1 : 0)}%`;
    c.text(left - 10 - label.length * 8, py(v) - 5, label, black);
  }
  const xStep = Math.max(1, Math.round(niceStep(n / 8)));
  for (let i = 0; i < n; i += xStep) {
    c.line(px(i), bottom, px(i), bottom + 5, black);
    c.text(px(i) - 4 * String(i + 1).length, bottom + 10, String(i + 1), black);
  }
  c.line(left, top, left, bottom, black, 2);
  c.line(left, bottom, right, bottom, black, 2);
  for (const s of series) c.polyline(s.values.map((v, i) => [px(i), py(v)] as const), s.color, 3);
  c.text(left, 20, opts.title, black, 3);
  c.text((left + right) / 2 - opts.xLabel.length * 4, H - 30, opts.xLabel, black);
  c.text(8, top - 25, opts.yLabel, black);
  // legend: coloured boxes with labels, top-left inside the plot
  series.forEach((s, k) => {
    const ly = top + 10 + k * 22;
    c.fillRect(left + 15, ly, 14, 14, s.color);
    c.text(left + 36, ly + 2, s.label, black);
  });
  return c.toPng();
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}
