/** Test doubles of the models (the real ones are exercised in models.spec.ts) and test images. */
import sharp from 'sharp';
import type { EncodeImageInput } from '@frontier/multimodal-contracts';
import { DEFAULT_SERVICE_CONFIG, type EncoderServiceConfig } from '../config';
import { sha256Hex } from '../blob-store';
import type { EncoderNsfw, EncoderOcr } from '../models';

/** A gate: work waits on it until opened. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** OCR that answers `text` after `hold` resolves (to saturate the pool at will). */
export function fakeOcr(text = 'hello', hold: () => Promise<void> = async () => undefined): EncoderOcr & { calls: number } {
  const ocr = {
    modelId: 'fake-ocr',
    calls: 0,
    async recognize() {
      ocr.calls++;
      await hold();
      return { lines: [{ text }] };
    },
  };
  return ocr;
}

/** NSFW that records each batch it gets and scores every image the same. */
export function fakeNsfw(scores: Record<string, number> = { Drawing: 0.1, Hentai: 0.05, Neutral: 0.7, Porn: 0.05, Sexy: 0.1 }): EncoderNsfw & { batches: number[] } {
  const nsfw = {
    modelId: 'fake-nsfw',
    batches: [] as number[],
    async classifyBatch(images: readonly Uint8Array[]) {
      nsfw.batches.push(images.length);
      await new Promise((r) => setTimeout(r, 5));
      return images.map(() => ({ ...scores }));
    },
  };
  return nsfw;
}

export function serviceConfig(redisUrl: string, keyPrefix: string, over: Partial<EncoderServiceConfig> = {}): EncoderServiceConfig {
  return { ...DEFAULT_SERVICE_CONFIG, redisUrl, keyPrefix, ...over };
}

/** A distinct solid-colour PNG per seed (different bytes, different hash). */
export async function solidPng(seed: number, w = 64, h = 48): Promise<Buffer> {
  return sharp({ create: { width: w, height: h, channels: 3, background: { r: (seed * 53) % 256, g: (seed * 97) % 256, b: (seed * 31) % 256 } } })
    .png()
    .toBuffer();
}

/** Noise: a large image that does not compress (for the blob-store paths). */
export async function noiseJpeg(w: number, h: number, seed = 1): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  let s = seed;
  for (let i = 0; i < px.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    px[i] = s >>> 24;
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
}

export function inline(bytes: Buffer, part: string, o: Partial<EncodeImageInput> = {}): EncodeImageInput {
  return { part, sha256: sha256Hex(bytes), dataB64: bytes.toString('base64'), maxSide: 336, ocr: false, safety: false, ...o };
}
