import { randomBytes, randomUUID } from 'node:crypto';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import type { EncodeImagesReply } from '@frontier/multimodal-contracts';
import { createTestRedis, type TestRedis } from '@frontier/platform-testing';
import { BlobStore, sha256Hex } from './blob-store';
import { IMAGE_ENCODER, type ImageEncoderClient } from './client/image-encoder.client';
import { InlineEncoderClient } from './client/inline.client';
import { TransportEncoderClient } from './client/transport.client';
import { EncodersModule, ImageInputs } from './encoders.module';
import { ImageEncoderService } from './image-encoder.service';
import { fakeNsfw, fakeOcr, gate, inline, noiseJpeg, serviceConfig, solidPng } from './__fixtures__/fakes';
import { NATS_URL, startTestServer } from './__fixtures__/server';

type Ok = EncodeImagesReply & { ok: true };
const req = (images: ReturnType<typeof inline>[], deadline = Date.now() + 30_000) => ({ requestId: randomUUID(), images, deadline });

describe('encoder clients over inline, Redis and NATS (real Redis and NATS on loopback)', () => {
  let redis: TestRedis;
  let server: INestApplication;
  let blobs: BlobStore;
  let prefix: string;
  const hold = { wait: Promise.resolve() };
  const clients: ImageEncoderClient[] = [];
  const transport = (t: 'redis' | 'nats', o: Partial<ConstructorParameters<typeof TransportEncoderClient>[0]> = {}) => {
    const c = new TransportEncoderClient({ transport: t, url: t === 'redis' ? redis.url : NATS_URL, timeoutMs: 10_000, channelPrefix: prefix, blobs, ...o });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    Logger.overrideLogger(false); // ClientRedis/ClientNats log connection errors on Nest's static logger
    redis = await createTestRedis('enctransport');
    prefix = `t${randomBytes(4).toString('hex')}`;
    blobs = new BlobStore(redis.client, `${redis.prefix}:enc`);
    const config = serviceConfig(redis.url, `${redis.prefix}:enc`, { inlineReplyMaxBytes: 64 * 1024, concurrency: 2, queueCapacity: 1 });
    server = await startTestServer(config, { ocr: fakeOcr('over the wire', () => hold.wait), nsfw: fakeNsfw() }, prefix, redis.url);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.close();
    await redis?.cleanup();
  });

  it('round trip through each transport: the same encodings inline, over Redis and over NATS; large images go through the blob store both ways', async () => {
    const service = await ImageEncoderService.create(serviceConfig(redis.url, `${redis.prefix}:enc-inline`), { ocr: fakeOcr('over the wire'), nsfw: fakeNsfw() });
    const viaInline = new InlineEncoderClient(service);
    clients.push(viaInline);
    const small = await solidPng(1, 300, 200);
    const big = await noiseJpeg(900, 700, 3); // ~300 KB: put in the blob store by the client, the resized one comes back by hash
    const images = () => [inline(small, 'messages[0].content[0]', { ocr: true, safety: true }), inline(big, 'messages[0].content[1]', { maxSide: 800 })];
    const replies: Record<string, Ok> = {};
    for (const [name, client] of [['inline', viaInline], ['redis', transport('redis')], ['nats', transport('nats')]] as const) {
      const r = await client.encodeImages(req(images()));
      expect([name, r.ok]).toEqual([name, true]);
      replies[name] = r as Ok;
    }
    for (const name of ['redis', 'nats']) {
      const [s, b] = replies[name]!.images;
      const [is, ib] = replies['inline']!.images;
      expect(s).toMatchObject({ part: 'messages[0].content[0]', ocrText: 'over the wire', nsfw: { verdict: 'ok' }, width: is!.width, height: is!.height, dataB64: is!.dataB64 });
      expect(b!.dataB64.length).toBeGreaterThan(64 * 1024);
      expect(sha256Hex(Buffer.from(b!.dataB64, 'base64'))).toBe(b!.outSha256);
      expect([b!.width, b!.height, b!.dataB64]).toEqual([ib!.width, ib!.height, ib!.dataB64]);
    }
    // the first transport call encoded; the second found it in the worker's cache
    expect(replies['redis']!.images[0]!.cached).toBe(false);
    expect(replies['nats']!.images[0]).toMatchObject({ cached: true, ms: 0 });
    for (const c of [viaInline, clients[0]!, clients[1]!]) expect(await c.health()).toMatchObject({ ok: true, capacity: expect.any(Number), models: ['fake-ocr', 'fake-nsfw'] });
  }, 30_000);

  it('a full worker answers busy with retryAfterS at once over NATS and Redis (< 100 ms while saturated)', async () => {
    const g = gate();
    hold.wait = g.wait;
    try {
      const nats = transport('nats');
      const redisClient = transport('redis');
      // concurrency 2 + queue 1: three images fill it
      const filling = [10, 11, 12].map(async (i) => nats.encodeImages(req([inline(await solidPng(i), `f${i}`, { ocr: true })])));
      await new Promise((r) => setTimeout(r, 100));
      expect(await nats.health()).toMatchObject({ inFlight: 2, queued: 1 });
      for (const client of [nats, redisClient]) {
        const img = inline(await solidPng(13), 'one-too-many', { ocr: true });
        const t0 = performance.now();
        const r = await client.encodeImages(req([img]));
        const ms = performance.now() - t0;
        expect(r).toMatchObject({ ok: false, code: 'busy', retryAfterS: expect.any(Number) });
        expect(ms).toBeLessThan(100);
      }
      g.open();
      expect((await Promise.all(filling)).map((r) => r.ok)).toEqual([true, true, true]);
    } finally {
      g.open();
      hold.wait = Promise.resolve();
    }
  }, 30_000);

  it('a truncated PNG comes back as invalid_image naming the part, over both transports', async () => {
    const png = await noiseJpeg(150, 150).then((j) => import('sharp').then((m) => m.default(j).png().toBuffer()));
    for (const t of ['redis', 'nats'] as const) {
      const r = await transport(t).encodeImages(req([inline(png.subarray(0, png.length >> 1), 'messages[3].content[2]')]));
      expect(r).toMatchObject({ ok: false, code: 'invalid_image', part: 'messages[3].content[2]' });
    }
  });

  it('worker down → unavailable within the timeout, never a hang (Redis: at the timeout; NATS: at once, no responders; and a transport server that is not there)', async () => {
    const img = inline(await solidPng(20), 'x');
    const redisNobody = transport('redis', { channelPrefix: `${prefix}-nobody`, timeoutMs: 300 });
    let t0 = performance.now();
    expect(await redisNobody.encodeImages(req([img]))).toMatchObject({ ok: false, code: 'unavailable', retryAfterS: expect.any(Number), message: expect.stringMatching(/no reply within 300 ms/) });
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(1_500);
    expect(await redisNobody.health()).toMatchObject({ ok: false });
    // NATS knows nobody subscribes to the subject and says so at once
    const natsNobody = transport('nats', { channelPrefix: `${prefix}-nobody`, timeoutMs: 5_000 });
    t0 = performance.now();
    expect(await natsNobody.encodeImages(req([img]))).toMatchObject({ ok: false, code: 'unavailable', retryAfterS: expect.any(Number), message: expect.stringMatching(/no subscribers/) });
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(await natsNobody.health()).toMatchObject({ ok: false });
    for (const [t, url] of [['redis', 'redis://127.0.0.1:1'], ['nats', 'nats://127.0.0.1:1']] as const) {
      const t0 = performance.now();
      const r = await transport(t, { url, timeoutMs: 2_000 }).encodeImages(req([img]));
      expect(r).toMatchObject({ ok: false, code: 'unavailable' });
      expect(performance.now() - t0).toBeLessThan(2_500);
    }
  }, 30_000);

  it('an aborted call answers unavailable at once', async () => {
    const g = gate();
    hold.wait = g.wait;
    try {
      const ac = new AbortController();
      const pending = transport('nats').encodeImages(req([inline(await solidPng(30), 'slow', { ocr: true })]), ac.signal);
      setTimeout(() => ac.abort(), 50);
      const t0 = performance.now();
      expect(await pending).toMatchObject({ ok: false, code: 'unavailable', message: expect.stringMatching(/aborted/) });
      expect(performance.now() - t0).toBeLessThan(500);
    } finally {
      g.open();
      hold.wait = Promise.resolve();
    }
  });

  it('EncodersModule.forGateway provides IMAGE_ENCODER (the configured transport), BlobStore and ImageInputs', async () => {
    for (const mode of ['nats', 'redis'] as const) {
      @Module({ imports: [EncodersModule.forGateway({ mode, redisUrl: redis.url, keyPrefix: `${redis.prefix}:enc`, natsUrl: NATS_URL, channelPrefix: prefix, timeoutMs: 5_000 })] })
      class GatewayModule {}
      const app = await NestFactory.createApplicationContext(GatewayModule, { logger: false });
      const client = app.get<ImageEncoderClient>(IMAGE_ENCODER);
      expect(client).toBeInstanceOf(TransportEncoderClient);
      const inputs = app.get(ImageInputs);
      const small = await inputs.prepare(await solidPng(40), { part: 'a', maxSide: 336, ocr: false, safety: true });
      expect(small.dataB64).toBeDefined();
      const bigBytes = await noiseJpeg(600, 400, 9);
      const big = await inputs.prepare(bigBytes, { part: 'b', maxSide: 336, ocr: false, safety: false });
      expect(big.dataB64).toBeUndefined();
      expect((await app.get(BlobStore).get(big.sha256))?.equals(bigBytes)).toBe(true);
      const r = (await client.encodeImages(req([small, big]))) as Ok;
      expect(r.images.map((i) => [i.part, i.width])).toEqual([
        ['a', 64],
        ['b', 336],
      ]);
      await app.close();
    }
    // inline: the service in this process; everything inline
    @Module({ imports: [EncodersModule.forGateway({ mode: 'inline', redisUrl: redis.url, keyPrefix: `${redis.prefix}:enc`, timeoutMs: 5_000, service: serviceConfig(redis.url, `${redis.prefix}:enc`) }, { ocr: fakeOcr(), nsfw: fakeNsfw() })] })
    class InlineGateway {}
    const app = await NestFactory.createApplicationContext(InlineGateway, { logger: false });
    const big = await app.get(ImageInputs).prepare(await noiseJpeg(600, 400, 10), { part: 'c', maxSide: 100, ocr: true, safety: false });
    expect(big.dataB64).toBeDefined();
    expect(await app.get<ImageEncoderClient>(IMAGE_ENCODER).encodeImages(req([big]))).toMatchObject({ ok: true, images: [{ part: 'c', width: 100, ocrText: 'hello' }] });
    await app.close();
  }, 30_000);
});

describe('two workers on one channel: NATS gives each request to one of them, Redis pub/sub to all', () => {
  let redis: TestRedis;
  const apps: INestApplication[] = [];
  const clients: ImageEncoderClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(apps.map((a) => a.close()));
    await redis?.cleanup();
  });

  it('counts the encodings each worker ran for one request per transport', async () => {
    Logger.overrideLogger(false);
    redis = await createTestRedis('encfanout');
    const prefix = `f${randomBytes(4).toString('hex')}`;
    const ocrs = [fakeOcr('a'), fakeOcr('b')];
    for (const ocr of ocrs) {
      // separate caches (key prefixes): each worker computes what it receives
      apps.push(await startTestServer(serviceConfig(redis.url, `${redis.prefix}:enc${apps.length}`), { ocr, nsfw: fakeNsfw() }, prefix, redis.url));
    }
    const blobs = new BlobStore(redis.client, `${redis.prefix}:enc`);
    const calls = () => ocrs[0]!.calls + ocrs[1]!.calls;
    const nats = new TransportEncoderClient({ transport: 'nats', url: NATS_URL, timeoutMs: 5_000, channelPrefix: prefix, blobs });
    const viaRedis = new TransportEncoderClient({ transport: 'redis', url: redis.url, timeoutMs: 5_000, channelPrefix: prefix, blobs });
    clients.push(nats, viaRedis);
    expect((await nats.encodeImages(req([inline(await solidPng(90), 'n', { ocr: true })]))).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(calls()).toBe(1);
    expect((await viaRedis.encodeImages(req([inline(await solidPng(91), 'r', { ocr: true })]))).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    // the Redis request ran on both workers (the client kept the first reply)
    expect(calls()).toBe(3);
  }, 30_000);
});
