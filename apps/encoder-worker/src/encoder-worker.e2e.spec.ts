import { randomBytes, randomUUID } from 'node:crypto';
import { Logger, type INestApplication } from '@nestjs/common';
import { QueueEvents } from 'bullmq';
import { editDistance, renderLine, syntheticImages } from '@frontier/ml-vision/testing';
import { EncoderJobs, ENCODER_QUEUE, type EncodeBatchResult, type EncodeImagesReply } from '@frontier/multimodal-contracts';
import { BlobStore, sha256Hex, TransportEncoderClient } from '@frontier/multimodal-encoders';
import { EnvValidationError, loadEnv } from '@frontier/platform-config';
import { bullConnection, bullPrefix, JobQueue } from '@frontier/platform-queue';
import { createTestRedis, type TestRedis } from '@frontier/platform-testing';
import { createEncoderWorker, describeWorker, drainEncoderWorker } from './bootstrap';
import { EncoderWorkerEnv } from './env';

type Ok = EncodeImagesReply & { ok: true };
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const image = (bytes: Buffer, part: string, o: { ocr?: boolean; safety?: boolean; maxSide?: number | null } = {}) => ({
  part,
  sha256: sha256Hex(bytes),
  dataB64: bytes.toString('base64'),
  maxSide: o.maxSide === undefined ? 1024 : o.maxSide,
  ocr: o.ocr ?? false,
  safety: o.safety ?? false,
});
const req = (images: ReturnType<typeof image>[]) => ({ requestId: randomUUID(), images, deadline: Date.now() + 60_000 });

describe('encoder-worker in-process: Redis and NATS request–reply, the multimodal-encode consumer, drain (real models)', () => {
  let redis: TestRedis;
  let app: INestApplication;
  let env: EncoderWorkerEnv;
  let blobs: BlobStore;
  const clients: Record<'redis' | 'nats', TransportEncoderClient> = {} as never;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    redis = await createTestRedis('encworker');
    env = loadEnv(EncoderWorkerEnv, {
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      ENCODER_NATS_URL: NATS_URL,
      ENCODER_CHANNEL_PREFIX: `e2e${randomBytes(4).toString('hex')}`,
      ENCODER_TRANSPORTS: 'redis,nats',
      ENCODER_BATCH_WINDOW_MS: '20',
    });
    app = await createEncoderWorker(env);
    blobs = new BlobStore(redis.client, `${redis.prefix}:enc`);
    for (const t of ['redis', 'nats'] as const) {
      clients[t] = new TransportEncoderClient({ transport: t, url: t === 'redis' ? redis.url : NATS_URL, timeoutMs: 30_000, channelPrefix: env.ENCODER_CHANNEL_PREFIX, blobs });
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(Object.values(clients).map((c) => c.close()));
    await app?.close();
    await redis?.cleanup();
  });

  it('boots with the models and both transports; health answers on each', async () => {
    expect(describeWorker(app, env)).toMatch(/^encoder-worker listening on redis redis:\/\/.* and nats nats:\/\/.*; 4 images at once, 32 waiting; models pp-ocrv4, nsfwjs-MobileNetV2; consuming multimodal-encode$/);
    for (const t of ['redis', 'nats'] as const) expect(await clients[t].health()).toEqual({ ok: true, inFlight: 0, queued: 0, capacity: 36, models: ['pp-ocrv4', 'nsfwjs-MobileNetV2'] });
  });

  it('OCR over Redis, NSFW over NATS, and the second identical image is a cache hit through the other transport', async () => {
    const text = 'Meeting moved to 10:30 in Room B';
    const line = await renderLine(text, { font: 'DejaVu Serif', size: 28 });
    const viaRedis = (await clients.redis.encodeImages(req([image(line, 'messages[0].content[1]', { ocr: true, safety: true })]))) as Ok;
    expect(viaRedis.ok).toBe(true);
    const first = viaRedis.images[0]!;
    expect(editDistance(first.ocrText ?? '', text)).toBeLessThanOrEqual(1);
    expect(first).toMatchObject({ mime: 'image/png', cached: false, nsfw: { verdict: expect.stringMatching(/^(ok|suggestive|explicit)$/) } });
    const viaNats = (await clients.nats.encodeImages(req([image(line, 'messages[2].content[0]', { ocr: true, safety: true })]))) as Ok;
    expect(viaNats.images[0]).toEqual({ ...first, part: 'messages[2].content[0]', cached: true, ms: 0 });

    const [, landscape] = (await syntheticImages())[0]!;
    const nsfw = (await clients.nats.encodeImages(req([image(landscape, 'photo', { safety: true, maxSide: 336 })]))) as Ok;
    expect(nsfw.images[0]).toMatchObject({ mime: 'image/jpeg', width: 336, height: 252, ocrText: null });
    expect(Object.keys(nsfw.images[0]!.nsfw!.scores).sort()).toEqual(['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy']);
  }, 60_000);

  it('a truncated PNG is invalid_image naming the part', async () => {
    const [, png] = (await syntheticImages()).find(([n]) => n === 'noise.png')!;
    const r = await clients.nats.encodeImages(req([image(png.subarray(0, png.length >> 1), 'messages[1].content[3]', { safety: true })]));
    expect(r).toMatchObject({ ok: false, code: 'invalid_image', part: 'messages[1].content[3]' });
  });

  it('an encode-batch job (multimodal-encode) encodes into the cache; later requests are cache hits', async () => {
    const images = await syntheticImages();
    const inputs = await Promise.all(images.slice(1, 4).map(async ([name, bytes]) => ({ part: name, sha256: await blobs.put(bytes), maxSide: 512, ocr: false, safety: true })));
    const events = new QueueEvents(ENCODER_QUEUE, { connection: bullConnection(redis.url), prefix: bullPrefix(redis.prefix) });
    await events.waitUntilReady();
    const job = await app.get(JobQueue).enqueue(EncoderJobs.encodeBatch, { batchId: 'e2e-1', images: inputs });
    const result = (await job.waitUntilFinished(events, 60_000)) as EncodeBatchResult;
    expect(result).toEqual({ batchId: 'e2e-1', encoded: 3, cached: 0, failed: [] });
    await events.close();
    const hit = (await clients.redis.encodeImages(req([{ ...inputs[2]!, part: 'later' } as never]))) as Ok;
    expect(hit.images[0]).toMatchObject({ part: 'later', cached: true, ms: 0 });
  }, 90_000);

  it('refuses to boot on a bad variable, naming it', () => {
    const problems = (() => {
      try {
        loadEnv(EncoderWorkerEnv, { ENCODER_TRANSPORTS: 'redis,grpc', ENCODER_CONCURRENCY: '0' }, 'encoder-worker');
      } catch (e) {
        return (e as EnvValidationError).problems.map((p) => p.variable);
      }
      return [];
    })();
    expect(problems.sort()).toEqual(['ENCODER_CONCURRENCY', 'ENCODER_TRANSPORTS']);
  });

  it('drains on shutdown: the request in flight is answered, a new one is refused busy at once', async () => {
    const line = await renderLine('Shutdown drains in-flight work', { font: 'DejaVu Sans', size: 30 });
    const inFlight = clients.nats.encodeImages(req([image(line, 'late-but-answered', { ocr: true, safety: true })]));
    await new Promise((r) => setTimeout(r, 30));
    const draining = drainEncoderWorker(app, 20_000);
    const t0 = performance.now();
    const refused = await clients.redis.encodeImages(req([image(await renderLine('too late', { font: 'DejaVu Sans', size: 30 }), 'refused', { ocr: true })]));
    expect(refused).toMatchObject({ ok: false, code: 'busy', retryAfterS: 1, message: expect.stringMatching(/shutting down/) });
    expect(performance.now() - t0).toBeLessThan(500);
    expect(await inFlight).toMatchObject({ ok: true, images: [{ part: 'late-but-answered', cached: false }] });
    expect(await draining).toMatch(/^encodes drained \(1 running, 0 waiting\), job workers closed \(0 job\(s\) were running\)$/);
  }, 60_000);
});
