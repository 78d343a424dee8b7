import sharp, { type Metadata, type OutputInfo } from 'sharp';

/** The bytes of one part are not a usable image (the reply is `invalid_image` naming the part). */
export class InvalidImageError extends Error {
  override name = 'InvalidImageError';
  constructor(
    readonly part: string,
    /** What is wrong, without the part (the reply names the part in its own field). */
    readonly detail: string,
  ) {
    super(`${part}: ${detail}`);
  }
}

export interface ResizeOptions {
  part: string;
  /** Longest side; null keeps the size. Never enlarges. */
  maxSide: number | null;
  jpegQuality: number;
  maxPixels: number;
}

export interface ResizedImage {
  bytes: Buffer;
  mime: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  /** The input bytes were passed on unchanged (already the right size, format and orientation). */
  passthrough: boolean;
}

const FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif', 'heif']);
/** Formats whose content is usually drawn, not photographed, when its tones are few (screenshots, text, diagrams). */
const LOSSLESS = new Set(['png', 'gif', 'tiff']);
/** Grey-level entropy (bits) below which a lossless image is treated as text/graphics and kept PNG. Photos are ~6.5–7.8. */
export const GRAPHIC_ENTROPY_BITS = 5;

function describe(e: unknown): string {
  const msg = (e instanceof Error ? e.message : String(e)).trim();
  if (/unsupported image format/i.test(msg)) return 'is not a recognised image (PNG, JPEG, WebP, GIF, TIFF, AVIF)';
  if (/pixel limit/i.test(msg)) return 'exceeds the pixel limit';
  return `could not be decoded (truncated or corrupt): ${msg.split('\n')[0]}`;
}

/** Shannon entropy (bits) of the luma histogram, on at most ~64k sampled pixels. */
export function lumaEntropy(data: Uint8Array, channels: number): number {
  const px = Math.floor(data.length / channels);
  const step = Math.max(1, Math.floor(px / 65_536));
  const hist = new Uint32Array(256);
  let n = 0;
  for (let p = 0; p < px; p += step) {
    const o = p * channels;
    const y = channels >= 3 ? (299 * (data[o] as number) + 587 * (data[o + 1] as number) + 114 * (data[o + 2] as number)) / 1000 : (data[o] as number);
    const bin = Math.min(255, Math.round(y));
    hist[bin] = (hist[bin] as number) + 1;
    n++;
  }
  let h = 0;
  for (const c of hist) if (c) h -= (c / n) * Math.log2(c / n);
  return h;
}

function translucent(data: Uint8Array, channels: number): boolean {
  if (channels !== 2 && channels !== 4) return false;
  for (let i = channels - 1; i < data.length; i += channels) if ((data[i] as number) < 255) return true;
  return false;
}

/**
 * Decodes (fully: a truncated file fails here), orients, and shrinks so the long edge is at most
 * `maxSide` (aspect kept, never enlarged), then picks the encoding the upstream model gets:
 * PNG when the image has transparency, or is text/graphics (a lossless source — PNG, GIF, TIFF —
 * whose grey-level entropy is under {@link GRAPHIC_ENTROPY_BITS} bits: screenshots, documents,
 * diagrams, where JPEG blurs glyph edges); otherwise JPEG at `jpegQuality` (photos). An input
 * already in the chosen format, small enough and upright is passed on byte for byte.
 */
export async function resizeForUpstream(bytes: Uint8Array, o: ResizeOptions): Promise<ResizedImage> {
  if (!bytes.byteLength) throw new InvalidImageError(o.part, 'is empty (0 bytes)');
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
  } catch (e) {
    throw new InvalidImageError(o.part, describe(e));
  }
  if (!meta.format || !FORMATS.has(meta.format)) throw new InvalidImageError(o.part, `format ${meta.format ?? 'unknown'} is not supported`);
  const w0 = meta.autoOrient?.width ?? meta.width;
  const h0 = meta.autoOrient?.height ?? meta.height;
  if (!w0 || !h0) throw new InvalidImageError(o.part, 'has no dimensions');
  if (w0 * h0 > o.maxPixels) throw new InvalidImageError(o.part, `is ${w0}×${h0} = ${w0 * h0} pixels; the limit is ${o.maxPixels}`);
  const shrink = o.maxSide !== null && Math.max(w0, h0) > o.maxSide;

  let raw: { data: Buffer; info: OutputInfo };
  try {
    let img = sharp(bytes, { failOn: 'error', limitInputPixels: o.maxPixels, pages: 1 }).autoOrient();
    if (shrink) img = img.resize({ width: o.maxSide as number, height: o.maxSide as number, fit: 'inside', withoutEnlargement: true });
    raw = await img.raw().toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new InvalidImageError(o.part, describe(e));
  }
  const { data, info } = raw;
  const alpha = translucent(data, info.channels);
  const png = alpha || (LOSSLESS.has(meta.format) && lumaEntropy(data, info.channels) < GRAPHIC_ENTROPY_BITS);
  const upright = !meta.orientation || meta.orientation === 1;
  if (!shrink && upright && meta.format === (png ? 'png' : 'jpeg')) {
    return { bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), mime: png ? 'image/png' : 'image/jpeg', width: info.width, height: info.height, passthrough: true };
  }
  const pixels = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  const out = png
    ? await pixels.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer()
    : await pixels.flatten({ background: { r: 255, g: 255, b: 255 } }).jpeg({ quality: o.jpegQuality }).toBuffer();
  return { bytes: out, mime: png ? 'image/png' : 'image/jpeg', width: info.width, height: info.height, passthrough: false };
}
