import sharp from 'sharp';
import type { Metadata, Sharp } from 'sharp';
import { MlInputError } from '@frontier/ml-ports';

/** Decoded pixels, row-major, interleaved channels (RGB or RGBA), 8 bits each. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3 | 4;
}

export interface DecodeOptions {
  /** Refuse images with more pixels than this (width × height). Default 40 megapixels. */
  maxPixels?: number;
  /** Refuse encoded inputs larger than this many bytes. Default 50 MiB. */
  maxBytes?: number;
  /** 3 = RGB with transparency flattened onto `background`; 4 = RGBA as stored. Default 3. */
  channels?: 3 | 4;
  /** Colour transparent pixels are flattened onto when `channels` is 3. Default white. */
  background?: { r: number; g: number; b: number };
  /** Name reported in errors. Default `image`. */
  field?: string;
}

export const DEFAULT_MAX_PIXELS = 40_000_000;
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
const FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/** Inspects encoded bytes and returns a sharp pipeline for them, or throws MlInputError. */
async function open(bytes: unknown, options: DecodeOptions): Promise<{ img: Sharp; width: number; height: number }> {
  const field = options.field ?? 'image';
  if (!(bytes instanceof Uint8Array)) throw new MlInputError('invalid_argument', field, 'must be a Uint8Array/Buffer of encoded image bytes');
  if (bytes.byteLength === 0) throw new MlInputError('empty_input', field, 'is empty (0 bytes)');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.byteLength > maxBytes) throw new MlInputError('input_too_large', field, `is ${bytes.byteLength} bytes; the limit is ${maxBytes}`);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  let meta: Metadata;
  try {
    // header only: the limit is checked below with a clearer message
    meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata();
  } catch (e) {
    throw translate(e, field);
  }
  if (!meta.format || !FORMATS.has(meta.format)) throw new MlInputError('unsupported_format', field, `format ${meta.format ?? 'unknown'} is not supported`);
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new MlInputError('corrupt_media', field, 'has no dimensions');
  if (width * height > maxPixels) throw new MlInputError('input_too_large', field, `is ${width}×${height} = ${width * height} pixels; the limit is ${maxPixels}`);
  // sharp re-checks the limit while decoding (a header that lies about its size)
  const img = sharp(bytes, { failOn: 'warning', limitInputPixels: maxPixels, pages: 1 });
  return { img, width, height };
}

function translate(e: unknown, field: string): MlInputError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/unsupported image format/i.test(msg)) return new MlInputError('unsupported_format', field, 'is not a recognised image (PNG, JPEG, WebP, GIF, TIFF, AVIF)');
  if (/exceeds pixel limit/i.test(msg)) return new MlInputError('input_too_large', field, 'exceeds the pixel limit');
  if (/empty/i.test(msg)) return new MlInputError('empty_input', field, 'is empty');
  return new MlInputError('corrupt_media', field, `could not be decoded (truncated or corrupt): ${msg.trim()}`);
}

/**
 * Decodes PNG/JPEG/WebP/GIF (first frame)/TIFF/AVIF bytes to raw 8-bit pixels with sharp
 * (libvips), applying EXIF orientation. Every failure is an MlInputError on `field`.
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<RawImage> {
  const field = options.field ?? 'image';
  const channels = options.channels ?? 3;
  const { img } = await open(bytes, options);
  let pipeline = img.autoOrient();
  pipeline = channels === 3 ? pipeline.flatten({ background: options.background ?? { r: 255, g: 255, b: 255 } }).removeAlpha() : pipeline.ensureAlpha();
  try {
    const { data, info } = await pipeline.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) throw new MlInputError('corrupt_media', field, `decoded to ${info.channels} channels, expected ${channels}`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels };
  } catch (e) {
    if (e instanceof MlInputError) throw e;
    throw translate(e, field);
  }
}

/**
 * Decodes and resizes in one libvips pass (RGB, flattened onto white): `fit: 'fill'` stretches to
 * exactly width×height, as classifiers expect.
 */
export async function decodeResized(bytes: Uint8Array, width: number, height: number, options: DecodeOptions = {}): Promise<RawImage> {
  const field = options.field ?? 'image';
  const { img } = await open(bytes, options);
  try {
    const { data, info } = await img
      .autoOrient()
      .flatten({ background: options.background ?? { r: 255, g: 255, b: 255 } })
      .removeAlpha()
      .toColourspace('srgb')
      .resize(width, height, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
  } catch (e) {
    throw translate(e, field);
  }
}

/** Resizes raw RGB pixels with libvips (bilinear), returning RGB. */
export async function resizeRaw(image: RawImage, width: number, height: number): Promise<RawImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 };
}
