import { randomUUID } from 'node:crypto';
import { createTestRedis, type TestRedis } from '@frontier/platform-testing';
import type { EncodeImagesReply } from '@frontier/multimodal-contracts';
import { BlobStore, sha256Hex } from './blob-store';
import { ImageEncoderService, nsfwVerdict } from './image-encoder.service';
import { fakeNsfw, fakeOcr, gate, inline, noiseJpeg, serviceConfig, solidPng } from './__fixtures__/fakes';

const far = () => Date.now() + 30_000;
const req = (images: ReturnType<typeof inline>[], deadline = far()) => ({ requestId: randomUUID(), images, deadline });

describe('ImageEncoderService (real Redis; model doubles)', () => {
  let redis: TestRedis;
  const services: ImageEncoderService[] = [];
  const make = async (over: Parameters<typeof serviceConfig>[2] = {}, models = { ocr: fakeOcr(), nsfw: fakeNsfw() }) => {
    const s = await ImageEncoderService.create(serviceConfig(redis.url, `${redis.prefix}:enc`, over), models);
    services.push(s);
    return s;
  };
  beforeAll(async () => {
    redis = await createTestRedis('encsvc');
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.close()));
    await redis.cleanup();
  });

  it('encodes: resized bytes, size, mime, OCR text, NSFW verdict and scores; the second identical image is a cache hit (cached, ms 0)', async () => {
    const s = await make();
    const png = await solidPng(1, 800, 600);
    const first = await s.encodeImages(req([inline(png, 'messages[0].content[0]', { ocr: true, safety: true })]));
    expect(first.ok).toBe(true);
    const a = (first as EncodeImagesReply & { ok: true }).images[0]!;
    expect(a).toMatchObject({ part: 'messages[0].content[0]', width: 336, height: 252, mime: 'image/png', ocrText: 'hello', cached: false, nsfw: { verdict: 'ok' } });
    expect(a.ms).toBeGreaterThan(0);
    expect(a.outSha256).toBe(sha256Hex(Buffer.from(a.dataB64, 'base64')));
    const second = await s.encodeImages(req([inline(png, 'messages[4].content[0]', { ocr: true, safety: true })]));
    expect((second as EncodeImagesReply & { ok: true }).images[0]).toEqual({ ...a, part: 'messages[4].content[0]', cached: true, ms: 0 });
    // other options are another encoding
    const other = await s.encodeImages(req([inline(png, 'p', { maxSide: 168 })]));
    expect((other as EncodeImagesReply & { ok: true }).images[0]).toMatchObject({ width: 168, cached: false, ocrText: null, nsfw: null });
    // a fresh process (empty LRU) finds it in Redis
    const t = await make();
    const again = await t.encodeImages(req([inline(png, 'q', { ocr: true, safety: true })]));
    expect((again as EncodeImagesReply & { ok: true }).images[0]).toMatchObject({ cached: true, ms: 0, ocrText: 'hello' });
  });

  it('gets large images from the blob store by sha256; a missing blob is unavailable naming the part', async () => {
    const s = await make();
    const blobs = new BlobStore(redis.client, `${redis.prefix}:enc`);
    const big = await noiseJpeg(700, 500);
    const sha = await blobs.put(big);
    expect(sha).toBe(sha256Hex(big));
    expect((await blobs.get(sha))?.equals(big)).toBe(true);
    expect(await redis.client.ttl(blobs.key(sha))).toBeGreaterThan(500);
    const ok = await s.encodeImages(req([{ part: 'img', sha256: sha, maxSide: 100, ocr: false, safety: false }]));
    expect((ok as EncodeImagesReply & { ok: true }).images[0]).toMatchObject({ width: 100, height: 71, mime: 'image/jpeg' });
    const missing = await s.encodeImages(req([{ part: 'gone', sha256: 'f'.repeat(64), maxSide: 100, ocr: false, safety: false }]));
    expect(missing).toMatchObject({ ok: false, code: 'unavailable', part: 'gone' });
  });

  it('a truncated PNG is invalid_image naming the part; bytes that do not match their sha256 too', async () => {
    const s = await make();
    const png = await noiseJpeg(200, 200).then((j) => import('sharp').then((m) => m.default(j).png().toBuffer()));
    const cut = png.subarray(0, Math.floor(png.length * 0.6));
    const good = inline(await solidPng(2), 'messages[1].content[0]');
    const r = await s.encodeImages(req([good, inline(cut, 'messages[1].content[1]', { safety: true })]));
    expect(r).toMatchObject({ ok: false, code: 'invalid_image', part: 'messages[1].content[1]' });
    expect((r as { message: string }).message).toMatch(/truncated or corrupt/);
    const lie = { ...inline(await solidPng(3), 'messages[2].content[0]'), sha256: 'a'.repeat(64) };
    expect(await s.encodeImages(req([lie]))).toMatchObject({ ok: false, code: 'invalid_image', part: 'messages[2].content[0]', message: expect.stringMatching(/sha256/) });
  });

  it('a full queue answers busy with retryAfterS at once (< 100 ms) while the pool is saturated', async () => {
    const g = gate();
    const s = await make({ concurrency: 1, queueCapacity: 1 }, { ocr: fakeOcr('slow', () => g.wait), nsfw: fakeNsfw() });
    const running = s.encodeImages(req([inline(await solidPng(10), 'a', { ocr: true })]));
    const waiting = s.encodeImages(req([inline(await solidPng(11), 'b', { ocr: true })]));
    await new Promise((r) => setTimeout(r, 20));
    expect(s.health()).toMatchObject({ ok: true, inFlight: 1, queued: 1, capacity: 2, models: ['fake-ocr', 'fake-nsfw'] });
    const img = inline(await solidPng(12), 'c', { ocr: true });
    const t0 = performance.now();
    const busy = await s.encodeImages(req([img]));
    const ms = performance.now() - t0;
    expect(busy).toMatchObject({ ok: false, code: 'busy' });
    expect((busy as { retryAfterS: number }).retryAfterS).toBeGreaterThanOrEqual(1);
    expect(ms).toBeLessThan(100);
    g.open();
    expect((await running).ok).toBe(true);
    expect((await waiting).ok).toBe(true);
    // cached images need no slot: served even when the pool is full
    expect((await s.encodeImages(req([inline(await solidPng(10), 'a2', { ocr: true })]))).ok).toBe(true);
  });

  it('refuses at once a request whose deadline cannot be met, and answers busy at the deadline for work still waiting', async () => {
    const g = gate();
    const s = await make({ concurrency: 1, queueCapacity: 10 }, { ocr: fakeOcr('slow', () => g.wait), nsfw: fakeNsfw() });
    const running = s.encodeImages(req([inline(await solidPng(20), 'a', { ocr: true })]));
    await new Promise((r) => setTimeout(r, 10));
    // 3 images behind one running at ~250 ms each (the starting estimate): cannot start within 300 ms
    const t0 = performance.now();
    const refused = await s.encodeImages(req([21, 22, 23].map((i) => inline(Buffer.from([i]), `x${i}`, { ocr: true })), Date.now() + 300));
    expect(refused).toMatchObject({ ok: false, code: 'busy', message: expect.stringMatching(/deadline cannot be met/) });
    expect(performance.now() - t0).toBeLessThan(100);
    // admitted (one image, ~250 ms away fits 400 ms) but the slot does not free in time: busy at the deadline, not a hang
    const t1 = performance.now();
    const late = await s.encodeImages(req([inline(await solidPng(24), 'late', { ocr: true })], Date.now() + 400));
    expect(late).toMatchObject({ ok: false, code: 'busy', message: expect.stringMatching(/deadline passed/) });
    expect(performance.now() - t1).toBeLessThan(1_000);
    g.open();
    expect((await running).ok).toBe(true);
  });

  it('batches NSFW across concurrent requests (one model call for images of several requests)', async () => {
    const nsfw = fakeNsfw();
    const s = await make({ concurrency: 8, batchWindowMs: 20, maxBatch: 8 }, { ocr: fakeOcr(), nsfw });
    const replies = await Promise.all([30, 31, 32, 33].map(async (i) => s.encodeImages(req([inline(await solidPng(i), `r${i}`, { safety: true })]))));
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(nsfw.batches).toEqual([4]);
    expect(s.nsfwBatcher?.stats).toEqual({ batches: 1, items: 4, largest: 4 });
  });

  it('the same image asked by concurrent requests is computed once', async () => {
    const ocr = fakeOcr();
    const s = await make({}, { ocr, nsfw: fakeNsfw() });
    const png = await solidPng(40);
    const replies = await Promise.all([0, 1, 2].map((i) => s.encodeImages(req([inline(png, `p${i}`, { ocr: true })]))));
    expect(replies.map((r) => r.ok)).toEqual([true, true, true]);
    expect(ocr.calls).toBe(1);
  });

  it('over a transport, resized images past 64 KB go back through the blob store (dataB64 "", outSha256)', async () => {
    const s = await make({ inlineReplyMaxBytes: 64 * 1024 });
    const big = await noiseJpeg(1200, 900, 5);
    const small = await solidPng(41);
    const r = (await s.encodeImages(req([inline(big, 'big', { maxSide: 1024 }), inline(small, 'small')]))) as EncodeImagesReply & { ok: true };
    const [b, sm] = r.images;
    expect(b!.dataB64).toBe('');
    const stored = await new BlobStore(redis.client, `${redis.prefix}:enc`).get(b!.outSha256!);
    expect(stored && sha256Hex(stored)).toBe(b!.outSha256);
    expect(sm!.dataB64.length).toBeGreaterThan(0);
  });

  it('asks for a model this encoder lacks → unavailable naming the part', async () => {
    const s = await make({}, { nsfw: fakeNsfw() } as never);
    expect(await s.encodeImages(req([inline(await solidPng(50), 'needs-ocr', { ocr: true })]))).toMatchObject({ ok: false, code: 'unavailable', part: 'needs-ocr' });
  });

  it('preEncode (the encode-batch job) fills the cache in background chunks and lists failures', async () => {
    const s = await make();
    const blobs = new BlobStore(redis.client, `${redis.prefix}:enc`);
    const pngs = await Promise.all([60, 61, 62].map((i) => solidPng(i)));
    const hashes = await Promise.all(pngs.map((p) => blobs.put(p)));
    const images = hashes.map((sha256, i) => ({ part: `batch[${i}]`, sha256, maxSide: 336, ocr: true, safety: true }));
    const result = await s.preEncode({ batchId: 'b1', images: [...images, { part: 'batch[3]', sha256: 'e'.repeat(64), maxSide: 336, ocr: false, safety: false }] });
    expect(result).toMatchObject({ batchId: 'b1', encoded: 3, cached: 0 });
    expect(result.failed).toEqual([{ part: 'batch[3]', code: 'unavailable', message: expect.stringMatching(/not in the blob store/) }]);
    const hit = (await s.encodeImages(req([{ ...images[1]!, part: 'later' }]))) as EncodeImagesReply & { ok: true };
    expect(hit.images[0]).toMatchObject({ cached: true, ms: 0, ocrText: 'hello' });
    expect(await s.preEncode({ batchId: 'b2', images })).toMatchObject({ encoded: 0, cached: 3, failed: [] });
  });

  it('drain: new requests are busy at once while the admitted ones finish', async () => {
    const g = gate();
    const s = await make({ concurrency: 1 }, { ocr: fakeOcr('x', () => g.wait), nsfw: fakeNsfw() });
    const running = s.encodeImages(req([inline(await solidPng(70), 'a', { ocr: true })]));
    await new Promise((r) => setTimeout(r, 10));
    const drained = s.drain(5_000);
    expect(await s.encodeImages(req([inline(await solidPng(71), 'b', { ocr: true })]))).toMatchObject({ ok: false, code: 'busy', retryAfterS: 1 });
    g.open();
    expect((await running).ok).toBe(true);
    expect(await drained).toEqual({ inFlight: 1, queued: 0, forced: false });
  });

  it('verdicts: explicit = Porn + Hentai over its threshold, suggestive = Sexy over its own', () => {
    const t = { explicit: 0.7, suggestive: 0.6 };
    expect(nsfwVerdict({ Porn: 0.4, Hentai: 0.35, Sexy: 0.1 }, t)).toBe('explicit');
    expect(nsfwVerdict({ Porn: 0.2, Hentai: 0.1, Sexy: 0.65 }, t)).toBe('suggestive');
    expect(nsfwVerdict({ Neutral: 0.9, Sexy: 0.05 }, t)).toBe('ok');
    expect(nsfwVerdict({ Sexy: 0.65 }, { explicit: 0.7, suggestive: 0.9 })).toBe('ok');
  });
});
