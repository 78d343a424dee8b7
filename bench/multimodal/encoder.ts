/**
 * Encoder bench (issue: multimodal image encoders).
 *
 * (1) Round-trip cost of each gateway→encoder transport for a small request: `inline` (the service
 *     in this process), `redis` (pub/sub through @nestjs/microservices) and `nats` (request–reply,
 *     queue group), for a health call (an echo: no work) and for a cached small image (the encoder
 *     answers from its LRU). p50/p99 ms over --calls calls per transport, interleaved.
 * (2) Images per second, and per CPU-second of the worker process (≈ per core), through an
 *     encoder-worker started as its own process, over NATS: resize + NSFW + OCR, and resize only
 *     (--modes full,resize; also nsfw = resize + NSFW, ocr = resize + OCR),
 *     on generated images (a gradient with text lines and noise) of each --sizes, every image
 *     distinct (no cache hits), --concurrency requests of one image in flight; --images per size for
 *     the full pipeline, --resize-images for resize only; each resized to --max-side.
 *
 *   node -r @swc-node/register bench/multimodal/encoder.ts [--calls 300] [--sizes 800x600,1600x1200,3000x2000]
 *        [--modes full,resize] [--images 12] [--resize-images 48] [--concurrency 8] [--max-side 768] [--worker-concurrency 4] [--batch-window-ms 5]
 *        [--max-batch 8] [--redis redis://127.0.0.1:6379] [--nats nats://127.0.0.1:4222]
 *
 * Needs Redis and NATS on loopback (or --redis/--nats). The headline is one JSON line last.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import type { EncodeImageInput, EncodeImagesRequest } from '@frontier/multimodal-contracts';
import { BlobStore, DEFAULT_SERVICE_CONFIG, ImageEncoderService, InlineEncoderClient, sha256Hex, TransportEncoderClient, type ImageEncoderClient } from '@frontier/multimodal-encoders';
import { benchArgs, median, printHeadline, round, usageError } from '../lib/harness';
import { rng } from '../lib/random';

const USAGE =
  'bench/multimodal/encoder.ts [--calls 300] [--sizes 800x600,1600x1200,3000x2000] [--modes full,resize] [--images 12] [--resize-images 48] [--concurrency 8] [--max-side 768] [--worker-concurrency 4] [--batch-window-ms 5] [--max-batch 8] [--redis <url>] [--nats <url>]';
const { flags, positional } = benchArgs();
if (positional.length) usageError(`unexpected argument ${positional.join(' ')}; usage: ${USAGE}`);
const KNOWN = new Set(['calls', 'sizes', 'modes', 'images', 'resize-images', 'concurrency', 'max-side', 'worker-concurrency', 'batch-window-ms', 'max-batch', 'redis', 'nats']);
for (const k of flags.keys()) if (!KNOWN.has(k)) usageError(`unknown flag --${k}; usage: ${USAGE}`);

function intFlag(name: string, def: number, min: number): number {
  const raw = flags.get(name);
  const v = raw === undefined ? def : Number(raw);
  if (!Number.isInteger(v) || v < min) usageError(`--${name} must be a whole number ≥ ${min}, got ${raw}`);
  return v;
}
const CALLS = intFlag('calls', 300, 10);
const IMAGES = intFlag('images', 12, 1);
const RESIZE_IMAGES = intFlag('resize-images', 48, 1);
const CONCURRENCY = intFlag('concurrency', 8, 1);
const MAX_SIDE = intFlag('max-side', 768, 16);
const WORKER_CONCURRENCY = intFlag('worker-concurrency', 4, 1);
const BATCH_WINDOW_MS = intFlag('batch-window-ms', 5, 0);
const MAX_BATCH = intFlag('max-batch', 8, 1);
const SIZES = (flags.get('sizes') ?? '800x600,1600x1200,3000x2000').split(',').map((s) => {
  const m = /^(\d+)x(\d+)$/.exec(s.trim());
  if (!m) usageError(`--sizes takes WxH[,WxH…], got ${s}`);
  return { w: Number(m[1]), h: Number(m[2]) };
});
const MODE_OPTIONS = { full: { ocr: true, safety: true }, nsfw: { ocr: false, safety: true }, ocr: { ocr: true, safety: false }, resize: { ocr: false, safety: false } } as const;
const MODE_NAMES = { full: 'resize+nsfw+ocr', nsfw: 'resize+nsfw', ocr: 'resize+ocr', resize: 'resize-only' } as const;
type Mode = keyof typeof MODE_OPTIONS;
const MODES = (flags.get('modes') ?? 'full,resize').split(',').map((m) => {
  if (!(m in MODE_OPTIONS)) usageError(`--modes takes full,nsfw,ocr,resize (comma-separated), got ${m}`);
  return m as Mode;
});
const REDIS_URL = flags.get('redis') ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const NATS_URL = flags.get('nats') ?? process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

const ROOT = path.resolve(__dirname, '../..');
const PREFIX = `bench-enc-${randomBytes(3).toString('hex')}`;
const CHANNEL = `bench${randomBytes(3).toString('hex')}`;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

/** CPU seconds (user + system, every thread) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (CLK_TCK 100)
}

/** A distinct photo-like image with text: gradient, a few lines of text, noise, as JPEG. */
async function generated(w: number, h: number, seed: number): Promise<Buffer> {
  const next = rng(seed);
  const lines = Array.from({ length: Math.max(1, Math.floor(h / 160)) }, (_, i) => `Order ${Math.floor(next() * 1e6)} shipped line ${i + 1}`);
  const size = Math.max(14, Math.round(h / 24));
  const text = lines.map((t, i) => `<text x="${Math.round(w * 0.06)}" y="${Math.round((i + 1) * size * 2.2)}" font-family="DejaVu Sans" font-size="${size}" fill="#111">${t}</text>`).join('');
  const hue = Math.floor(next() * 360);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue},60%,85%)"/><stop offset="1" stop-color="hsl(${(hue + 120) % 360},50%,55%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${text}</svg>`;
  const noise = Buffer.alloc(w * h);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(next() * 24);
  const base = await sharp(Buffer.from(svg)).raw().toBuffer({ resolveWithObject: true });
  const px = base.data;
  for (let i = 0, c = base.info.channels; i < w * h; i++) for (let k = 0; k < 3; k++) px[i * c + k] = Math.max(0, (px[i * c + k] as number) - (noise[i] as number));
  return sharp(px, { raw: { width: w, height: h, channels: base.info.channels } }).jpeg({ quality: 88 }).toBuffer();
}

function startWorker(): ChildProcess {
  const env = {
    ...process.env,
    REDIS_URL,
    REDIS_PREFIX: PREFIX,
    ENCODER_NATS_URL: NATS_URL,
    ENCODER_CHANNEL_PREFIX: CHANNEL,
    ENCODER_TRANSPORTS: 'redis,nats',
    ENCODER_CONCURRENCY: String(WORKER_CONCURRENCY),
    ENCODER_QUEUE: '10000',
    ENCODER_BATCH_WINDOW_MS: String(BATCH_WINDOW_MS),
    ENCODER_MAX_BATCH: String(MAX_BATCH),
    LOG_LEVEL: 'warn',
  };
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'apps/encoder-worker/src/main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
  return child;
}

async function waitHealthy(client: ImageEncoderClient, ms: number): Promise<string[]> {
  const t0 = Date.now();
  for (;;) {
    const h = await client.health();
    if (h.ok) return h.models;
    if (Date.now() - t0 > ms) throw new Error(`encoder-worker not healthy after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const request = (images: EncodeImageInput[]): EncodeImagesRequest => ({ requestId: randomUUID(), images, deadline: Date.now() + 120_000 });

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const redis = new Redis(REDIS_URL);
  const blobs = new BlobStore(redis, `${PREFIX}:enc`);
  const worker = startWorker();
  const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
  const inlineService = await ImageEncoderService.create({ ...DEFAULT_SERVICE_CONFIG, redisUrl: REDIS_URL, keyPrefix: `${PREFIX}:enc-inline` }, {});
  const clients: Record<'inline' | 'redis' | 'nats', ImageEncoderClient> = {
    inline: new InlineEncoderClient(inlineService),
    redis: new TransportEncoderClient({ transport: 'redis', url: REDIS_URL, timeoutMs: 120_000, channelPrefix: CHANNEL, blobs }),
    nats: new TransportEncoderClient({ transport: 'nats', url: NATS_URL, timeoutMs: 120_000, channelPrefix: CHANNEL, blobs }),
  };
  try {
    const models = await waitHealthy(clients.nats, 180_000);
    await waitHealthy(clients.redis, 10_000);

    // (1) round trips: health (echo) and a cached 8 KB-ish image
    const small = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#3a7' } }).png().toBuffer();
    const cachedImg: EncodeImageInput = { part: 'p', sha256: sha256Hex(small), dataB64: small.toString('base64'), maxSide: 336, ocr: false, safety: false };
    const names = ['inline', 'redis', 'nats'] as const;
    // warm-up; fills each cache
    for (const n of names) {
      for (let i = 0; i < 20; i++) {
        await clients[n].health();
        await clients[n].encodeImages(request([cachedImg]));
      }
    }
    const rt: Record<string, { health: number[]; cached: number[] }> = Object.fromEntries(names.map((n) => [n, { health: [], cached: [] }]));
    for (let i = 0; i < CALLS; i++) {
      for (const n of names) {
        let t0 = performance.now();
        await clients[n].health();
        rt[n]!.health.push(performance.now() - t0);
        t0 = performance.now();
        const r = await clients[n].encodeImages(request([cachedImg]));
        rt[n]!.cached.push(performance.now() - t0);
        if (!r.ok || !r.images[0]?.cached) throw new Error(`${n}: expected a cache hit, got ${JSON.stringify(r).slice(0, 200)}`);
      }
    }
    const roundTrip: Record<string, Record<'healthP50' | 'healthP99' | 'cachedImageP50' | 'cachedImageP99', number>> = {};
    for (const n of names) {
      roundTrip[n] = {
        healthP50: round(median(rt[n]!.health), 3),
        healthP99: round(pct(rt[n]!.health, 99), 3),
        cachedImageP50: round(median(rt[n]!.cached), 3),
        cachedImageP99: round(pct(rt[n]!.cached, 99), 3),
      };
    }

    // (2) throughput through the worker process over NATS, distinct images, CONCURRENCY in flight
    const modes = MODES.map((m) => [MODE_NAMES[m], MODE_OPTIONS[m]] as const);
    const throughput: Array<Record<string, string | number>> = [];
    let seed = 1;
    for (const { w, h } of SIZES) {
      for (const [mode, o] of modes) {
        const imgs = await Promise.all(Array.from({ length: mode === 'resize-only' ? RESIZE_IMAGES : IMAGES }, () => generated(w, h, seed++)));
        // through the blob store when large, as the gateway sends them
        const inputs: EncodeImageInput[] = await Promise.all(
          imgs.map(async (b, i) => (b.length > 64 * 1024 ? { part: `img${i}`, sha256: await blobs.put(b), maxSide: MAX_SIDE, ...o } : { part: `img${i}`, sha256: sha256Hex(b), dataB64: b.toString('base64'), maxSide: MAX_SIDE, ...o })),
        );
        const cpu0 = cpuSeconds(worker.pid as number);
        const t0 = performance.now();
        let nextIdx = 0;
        let ocrChars = 0;
        await Promise.all(
          Array.from({ length: Math.min(CONCURRENCY, inputs.length) }, async () => {
            while (nextIdx < inputs.length) {
              const input = inputs[nextIdx++] as EncodeImageInput;
              const r = await clients.nats.encodeImages(request([input]));
              if (!r.ok) throw new Error(`${mode} ${w}x${h}: ${r.code} ${r.message}`);
              if (r.images[0]?.cached) throw new Error('unexpected cache hit');
              ocrChars += r.images[0]?.ocrText?.length ?? 0;
            }
          }),
        );
        const wallS = (performance.now() - t0) / 1000;
        const cpuS = cpuSeconds(worker.pid as number) - cpu0;
        const avgKb = Math.round(imgs.reduce((a, b) => a + b.length, 0) / imgs.length / 1024);
        throughput.push({ size: `${w}x${h}`, mode, images: inputs.length, avgInputKb: avgKb, wallS: round(wallS, 2), imagesPerS: round(inputs.length / wallS, 2), workerCpuS: round(cpuS, 2), imagesPerCpuS: round(inputs.length / cpuS, 2), coresBusy: round(cpuS / wallS, 2), ocrCharsPerImage: Math.round(ocrChars / inputs.length) });
        process.stderr.write(`${w}x${h} ${mode}: ${inputs.length} images in ${wallS.toFixed(1)} s, worker ${cpuS.toFixed(1)} CPU-s\n`);
      }
    }
    console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), node ${process.version}; worker models ${models.join(', ')}; worker concurrency ${WORKER_CONCURRENCY}, batch window ${BATCH_WINDOW_MS} ms / max ${MAX_BATCH}; client concurrency ${CONCURRENCY}; maxSide ${MAX_SIDE}`);
    console.log(`(1) round trip, ms (${CALLS} calls each, interleaved; the worker in its own process; inline = the service in this process)`);
    console.table(roundTrip);
    console.log('(2) throughput through encoder-worker over NATS (distinct images, no cache hits); imagesPerCpuS = per core');
    console.table(throughput);
    const pick = (size: string, mode: string) => throughput.find((t) => t.size === size && t.mode === mode);
    const mid = SIZES[Math.floor(SIZES.length / 2)] as { w: number; h: number };
    const midSize = `${mid.w}x${mid.h}`;
    const byTransport = (k: 'healthP50' | 'healthP99' | 'cachedImageP50' | 'cachedImageP99') => Object.fromEntries(names.map((n) => [n, roundTrip[n]?.[k]]));
    printHeadline('multimodal-encoder', {
      cores: cpus().length,
      calls: CALLS,
      healthP50Ms: byTransport('healthP50'),
      healthP99Ms: byTransport('healthP99'),
      cachedImageP50Ms: byTransport('cachedImageP50'),
      cachedImageP99Ms: byTransport('cachedImageP99'),
      size: midSize,
      fullImagesPerS: pick(midSize, 'resize+nsfw+ocr')?.imagesPerS,
      fullImagesPerCpuS: pick(midSize, 'resize+nsfw+ocr')?.imagesPerCpuS,
      resizeOnlyImagesPerS: pick(midSize, 'resize-only')?.imagesPerS,
      resizeOnlyImagesPerCpuS: pick(midSize, 'resize-only')?.imagesPerCpuS,
      perSize: Object.fromEntries(throughput.map((t) => [`${t.size} ${t.mode}`, t.imagesPerCpuS])),
    });
  } finally {
    await Promise.all(Object.values(clients).map((c) => c.close()));
    worker.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    // the bench's keys: blobs, cache, BullMQ
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
