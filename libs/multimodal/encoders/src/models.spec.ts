import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { ModelUnavailableError } from '@frontier/ml-ports';
import { buildTinyClassifier, editDistance, renderLine, syntheticImages } from '@frontier/ml-vision/testing';
import type { EncodeImagesReply } from '@frontier/multimodal-contracts';
import { createTestRedis, type TestRedis } from '@frontier/platform-testing';
import { ImageEncoderService } from './image-encoder.service';
import { loadEncoderModels, type EncoderModels } from './models';
import { createOnnxVisionEncoder } from './vision-encoder';
import { inline, serviceConfig, solidPng } from './__fixtures__/fakes';

const req = (images: ReturnType<typeof inline>[]) => ({ requestId: randomUUID(), images, deadline: Date.now() + 60_000 });
type Ok = EncodeImagesReply & { ok: true };

describe('the encoder service on the real models (PaddleOCR PP-OCRv4, nsfwjs MobileNetV2, an ONNX vision encoder)', () => {
  let redis: TestRedis;
  let models: EncoderModels;
  let service: ImageEncoderService;
  let dir: string;
  beforeAll(async () => {
    redis = await createTestRedis('encmodels');
    dir = mkdtempSync(path.join(tmpdir(), 'vision-encoder-'));
    // a tiny CLIP-shaped model: pixel_values [N,3,32,32] → [N,6] (mean colour · W + b, softmax)
    writeFileSync(path.join(dir, 'model.onnx'), buildTinyClassifier(6, 32).bytes);
    models = await loadEncoderModels({ ocr: true, nsfw: true, nsfwWorkers: 1, visionEncoderDir: dir });
    service = await ImageEncoderService.create(serviceConfig(redis.url, `${redis.prefix}:enc`, { batchWindowMs: 30, maxBatch: 8 }), models);
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    await redis?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('OCR reads a rendered text line into ocrText', async () => {
    const text = 'Invoice #4521 due 2024-03-15';
    const png = await renderLine(text, { font: 'DejaVu Sans', size: 30 });
    const r = (await service.encodeImages(req([inline(png, 'messages[0].content[1]', { ocr: true, maxSide: 1024 })]))) as Ok;
    expect(r.ok).toBe(true);
    expect(editDistance(r.images[0]!.ocrText ?? '', text)).toBeLessThanOrEqual(1);
    expect(r.images[0]!.mime).toBe('image/png');
  }, 60_000);

  it('NSFW returns the five nsfwjs scores (summing to 1) and a verdict; concurrent requests share model batches', async () => {
    const images = await syntheticImages();
    const before = service.nsfwBatcher!.stats;
    const replies = (await Promise.all(images.map(([name, bytes]) => service.encodeImages(req([inline(bytes, name, { safety: true })]))))) as Ok[];
    for (const r of replies) {
      expect(r.ok).toBe(true);
      const nsfw = r.images[0]!.nsfw!;
      expect(Object.keys(nsfw.scores).sort()).toEqual(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']);
      expect(Math.abs(Object.values(nsfw.scores).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-3);
      expect(['ok', 'suggestive', 'explicit']).toContain(nsfw.verdict);
    }
    const after = service.nsfwBatcher!.stats;
    expect(after.items - before.items).toBe(images.length);
    // 5 requests' images in fewer model calls than images
    expect(after.batches - before.batches).toBeLessThan(images.length);
    expect(after.largest).toBeGreaterThan(1);
  }, 60_000);

  it('the vision encoder loads from VISION_ENCODER_DIR and embeds (L2-normalised, batch = one by one)', async () => {
    const enc = models.vision!;
    expect([enc.modelId, enc.size, enc.dimension]).toEqual([`onnx:${path.basename(dir)}`, 32, 6]);
    const [red, blue] = await Promise.all([sharp({ create: { width: 40, height: 30, channels: 3, background: '#d01010' } }).png().toBuffer(), solidPng(7, 50, 50)]);
    const batch = await enc.embedBatch([red, blue]);
    const [one] = await enc.embedBatch([blue]);
    const norm = Math.hypot(...Array.from(batch[0]!));
    expect(norm).toBeCloseTo(1, 5);
    Array.from(one!).forEach((v, i) => expect(batch[1]![i]).toBeCloseTo(v, 5));
    expect(Array.from(batch[0]!)).not.toEqual(Array.from(batch[1]!));
    const r = (await service.encodeImages(req([inline(red, 'emb', { embed: true })]))) as Ok;
    expect(r.images[0]!.embedding).toHaveLength(6);
    const none = (await service.encodeImages(req([inline(red, 'no-emb')]))) as Ok;
    expect(none.images[0]!.embedding).toBeUndefined();
  });

  it('a missing or broken vision encoder directory fails at load with ModelUnavailableError', async () => {
    await expect(createOnnxVisionEncoder({ dir: path.join(dir, 'nope') })).rejects.toBeInstanceOf(ModelUnavailableError);
    const broken = mkdtempSync(path.join(tmpdir(), 'vision-broken-'));
    writeFileSync(path.join(broken, 'model.onnx'), 'not onnx');
    await expect(createOnnxVisionEncoder({ dir: broken })).rejects.toThrow(/cannot load/);
    rmSync(broken, { recursive: true, force: true });
  });
});
