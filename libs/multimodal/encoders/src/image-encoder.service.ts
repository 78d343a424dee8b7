import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createRedis, type RedisClient } from '@frontier/platform-redis';
import type { ClassScores } from '@frontier/ml-ports';
import { MlInputError, QueueFullError } from '@frontier/ml-ports';
import type {
  EncodeBatchPayload,
  EncodeBatchResult,
  EncodedImage,
  EncodeImageInput,
  EncodeImagesReply,
  EncodeImagesRequest,
  EncoderHealth,
  NsfwVerdict,
} from '@frontier/multimodal-contracts';
import { Admission, BusyError, type Priority } from './admission';
import { MicroBatcher } from './batcher';
import { BlobStore, encoderRedisOptions, isSha256, redisReady, sha256Hex } from './blob-store';
import { EncodingCache, encodingKey, type CachedEncoding } from './cache';
import type { EncoderServiceConfig } from './config';
import { InvalidImageError, resizeForUpstream } from './image';
import { closeModels, loadEncoderModels, modelIds, type EncoderModels } from './models';

/** Total base64 a transport reply may carry inline (NATS' default max_payload is 1 MB); beyond it images go by outSha256. */
export const REPLY_INLINE_BUDGET_BYTES = 512 * 1024;

/** A model a request asks for is not loaded here, or the image bytes are not in the blob store. */
class UnavailableError extends Error {
  override name = 'UnavailableError';
  constructor(
    message: string,
    readonly part?: string,
    readonly retryAfterS = 1,
  ) {
    super(message);
  }
}

type Outcome = { ok: true; image: EncodedImage } | { ok: false; error: unknown };

/** Explicit when Porn + Hentai ≥ `explicit`; else suggestive when Sexy ≥ `suggestive`; else ok. */
export function nsfwVerdict(scores: Record<string, number>, t: { explicit: number; suggestive: number }): NsfwVerdict {
  if ((scores['Porn'] ?? 0) + (scores['Hentai'] ?? 0) >= t.explicit) return 'explicit';
  if ((scores['Sexy'] ?? 0) >= t.suggestive) return 'suggestive';
  return 'ok';
}

/** `images[3]` in an ML error's field → 3. */
function failedIndex(e: unknown): number | undefined {
  const m = e instanceof MlInputError ? /^images\[(\d+)\]$/.exec(e.field) : null;
  return m ? Number(m[1]) : undefined;
}

/**
 * The image encoders: per image, bytes (inline or from the blob store) → resize for the upstream
 * model (sharp) ‖ OCR (PaddleOCR) ‖ NSFW (nsfwjs, batched across requests) ‖ embedding (optional
 * ONNX vision encoder, batched) → cached by content hash + options (LRU + Redis). Bounded
 * concurrency and a bounded, deadline-aware wait queue: what cannot start in time is answered
 * `busy` with a Retry-After at once. Never throws: every failure is a typed reply.
 */
export class ImageEncoderService implements OnApplicationShutdown {
  private readonly log = new Logger(ImageEncoderService.name);
  readonly admission: Admission;
  readonly nsfwBatcher: MicroBatcher<Uint8Array, ClassScores> | undefined;
  readonly visionBatcher: MicroBatcher<Uint8Array, Float32Array> | undefined;
  /** Encodings being computed, by cache key: a concurrent identical image joins instead of computing twice. */
  private readonly computing = new Map<string, Promise<CachedEncoding>>();
  private closed = false;

  constructor(
    readonly config: EncoderServiceConfig,
    readonly models: EncoderModels,
    readonly blobs: BlobStore,
    readonly cache: EncodingCache,
    /** Closed with the service (created by {@link create}). */
    private readonly ownedRedis?: RedisClient,
  ) {
    this.admission = new Admission(config.concurrency, config.queueCapacity);
    const batch = { windowMs: config.batchWindowMs, maxBatch: config.maxBatch };
    const nsfw = models.nsfw;
    this.nsfwBatcher = nsfw ? new MicroBatcher((imgs) => nsfw.classifyBatch(imgs), { ...batch, maxInFlight: config.models.nsfwWorkers }, failedIndex) : undefined;
    const vision = models.vision;
    this.visionBatcher = vision ? new MicroBatcher((imgs) => vision.embedBatch(imgs), batch, failedIndex) : undefined;
  }

  /** Connects to Redis and loads the models (unless given: tests, or a process sharing them). */
  static async create(config: EncoderServiceConfig, models?: EncoderModels): Promise<ImageEncoderService> {
    const redis = createRedis({ url: config.redisUrl, clusterNodes: config.redisClusterNodes }, encoderRedisOptions());
    redis.on('error', () => undefined); // surfaced on the calls; the cache degrades to misses
    try {
      const [loaded, ready] = await Promise.all([models ?? loadEncoderModels(config.models, config.concurrency + config.queueCapacity), redisReady(redis)]);
      // not fatal: the cache degrades to misses and blob reads fail as unavailable until Redis is back
      if (!ready) new Logger(ImageEncoderService.name).warn(`Redis ${config.redisUrl.replace(/\/\/[^@]*@/, '//***@')} not ready: encoding without the shared cache until it is`);
      const blobs = new BlobStore(redis, config.keyPrefix, config.replyBlobTtlS);
      const cache = new EncodingCache(redis, config.keyPrefix, config.cacheTtlS, { entries: config.lruEntries, maxBytes: config.lruMaxBytes });
      return new ImageEncoderService(config, loaded, blobs, cache, redis);
    } catch (e) {
      redis.disconnect();
      throw e;
    }
  }

  /** EncodeImagesRequest → EncodeImagesReply (see the class doc). */
  async encodeImages(req: EncodeImagesRequest, priority: Priority = 'interactive'): Promise<EncodeImagesReply> {
    try {
      const problem = this.check(req);
      if (problem) return problem;
      const outcomes = await this.resolve(req.images, req.deadline, priority);
      const failed = outcomes.map((o, i) => [o, i] as const).filter(([o]) => !o.ok);
      if (failed.length) {
        // the client's fault first, then load, then the rest
        const rank = (e: unknown) => (e instanceof InvalidImageError || e instanceof MlInputError ? 0 : e instanceof BusyError || e instanceof QueueFullError ? 1 : 2);
        failed.sort((a, b) => rank((a[0] as { error: unknown }).error) - rank((b[0] as { error: unknown }).error) || a[1] - b[1]);
        const [first, i] = failed[0] as readonly [Outcome & { ok: false }, number];
        return this.errorReply(first.error, req.images[i]?.part);
      }
      return { ok: true, images: await this.forReply(outcomes.map((o) => (o as { image: EncodedImage }).image)) };
    } catch (e) {
      return this.errorReply(e);
    }
  }

  /** Pre-encodes a batch into the cache (the `encode-batch` job): background priority, a few images at a time, busy chunks retried. */
  async preEncode(payload: EncodeBatchPayload, o: { chunk?: number; maxBusyRetries?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<EncodeBatchResult> {
    const chunk = o.chunk ?? Math.max(1, Math.floor(this.config.concurrency / 2));
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const result: EncodeBatchResult = { batchId: payload.batchId, encoded: 0, cached: 0, failed: [] };
    for (let s = 0; s < payload.images.length; s += chunk) {
      const images = payload.images.slice(s, s + chunk);
      for (let attempt = 0; ; attempt++) {
        let outcomes: Outcome[];
        try {
          outcomes = await this.resolve(images, Date.now() + 10 * 60_000, 'background');
        } catch (e) {
          if (e instanceof BusyError && attempt < (o.maxBusyRetries ?? 20)) {
            await sleep(e.retryAfterS * 1000);
            continue;
          }
          throw e;
        }
        outcomes.forEach((out, i) => {
          if (out.ok) {
            if (out.image.cached) result.cached++;
            else result.encoded++;
          } else {
            const r = this.errorReply(out.error, images[i]?.part);
            if (!r.ok) result.failed.push({ part: images[i]?.part ?? '?', code: r.code, message: r.message });
          }
        });
        break;
      }
    }
    return result;
  }

  health(): EncoderHealth {
    return {
      ok: !this.closed,
      inFlight: this.admission.active,
      queued: this.admission.queued,
      capacity: this.config.concurrency + this.config.queueCapacity,
      models: modelIds(this.models),
    };
  }

  /**
   * Shutdown drain: new requests are answered busy (Retry-After 1: the gateway tries again, another
   * replica answers) while the admitted ones finish, at most `timeoutMs`; what still waits then is
   * refused busy. Resolves with what was running and whether the bound cut it short.
   */
  async drain(timeoutMs: number): Promise<{ inFlight: number; queued: number; forced: boolean }> {
    const inFlight = this.admission.active;
    const queued = this.admission.queued;
    this.admission.close('encoder is shutting down');
    const idle = await this.admission.idle(timeoutMs);
    if (!idle) this.admission.refuseWaiting('encoder is shutting down');
    return { inFlight, queued, forced: !idle };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.admission.close('encoder is closed');
    this.admission.refuseWaiting('encoder is closed');
    await closeModels(this.models);
    const r = this.ownedRedis;
    if (r && r.status !== 'end') await r.quit().catch(() => r.disconnect());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Malformed requests and options this encoder cannot serve. */
  private check(req: EncodeImagesRequest): EncodeImagesReply | undefined {
    if (!req || !Array.isArray(req.images)) return { ok: false, code: 'invalid_image', message: 'request has no images array' };
    if (typeof req.deadline !== 'number' || !Number.isFinite(req.deadline)) return { ok: false, code: 'invalid_image', message: 'request has no deadline (epoch ms)' };
    for (const [i, img] of req.images.entries()) {
      const part = typeof img?.part === 'string' ? img.part : `images[${i}]`;
      if (!isSha256(img?.sha256)) return { ok: false, code: 'invalid_image', part, message: 'sha256 must be 64 lowercase hex digits' };
      if (img.maxSide !== null && !(Number.isInteger(img.maxSide) && img.maxSide >= 1 && img.maxSide <= 16_384)) return { ok: false, code: 'invalid_image', part, message: 'maxSide must be null or an integer 1…16384' };
      if (img.dataB64 !== undefined && typeof img.dataB64 !== 'string') return { ok: false, code: 'invalid_image', part, message: 'dataB64 must be base64 text' };
      if (img.ocr && !this.models.ocr) return { ok: false, code: 'unavailable', part, retryAfterS: 1, message: `${part}: OCR asked, but this encoder has no OCR model (ENCODER_OCR=false)` };
      if (img.safety && !this.models.nsfw) return { ok: false, code: 'unavailable', part, retryAfterS: 1, message: `${part}: safety asked, but this encoder has no NSFW model (ENCODER_NSFW=false)` };
    }
    return undefined;
  }

  /** Cache lookups, then admission (all or nothing, at once), then the work; one outcome per image. */
  private async resolve(inputs: readonly EncodeImageInput[], deadline: number, priority: Priority): Promise<Outcome[]> {
    const keys = inputs.map((i) => encodingKey({ ...i, embed: !!i.embed && !!this.models.vision }));
    const hits = await this.cache.getMany(keys);
    // images to compute now: not cached, not being computed by another request, once per key
    const fresh = new Map<string, EncodeImageInput>();
    keys.forEach((k, i) => {
      if (!hits[i] && !this.computing.has(k) && !fresh.has(k)) fresh.set(k, inputs[i] as EncodeImageInput);
    });
    // synchronous from here to the last acquire: no other request can slip between check and reservation
    this.admission.admit(fresh.size, deadline);
    for (const [k, input] of fresh) {
      const work = this.admission.acquire(deadline, priority).then(async (release) => {
        try {
          return await this.compute(input);
        } finally {
          release();
        }
      });
      this.computing.set(k, work);
      void work.then(
        (v) => this.cache.put(k, v),
        () => undefined,
      ).finally(() => this.computing.delete(k));
    }
    return Promise.all(
      inputs.map(async (input, i): Promise<Outcome> => {
        const hit = hits[i];
        if (hit) return { ok: true, image: this.toEncoded(hit, input, true, 0) };
        const t0 = performance.now();
        try {
          const v = await (this.computing.get(keys[i] as string) ?? this.cache.getMany([keys[i] as string]).then(([x]) => x ?? Promise.reject(new UnavailableError('encoding vanished from the cache', input.part))));
          // a joined computation counts as computed (not cached): it was not in the cache when asked
          return { ok: true, image: this.toEncoded(v, input, false, Math.max(1, Math.round(performance.now() - t0))) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  /** One image: bytes → resize ‖ OCR ‖ NSFW ‖ embedding. */
  private async compute(input: EncodeImageInput): Promise<CachedEncoding> {
    const part = input.part;
    const bytes = input.dataB64 !== undefined ? Buffer.from(input.dataB64, 'base64') : await this.blobs.get(input.sha256);
    if (!bytes) throw new UnavailableError(`${part}: image bytes (sha256 ${input.sha256.slice(0, 12)}…) are not in the blob store (expired or evicted): put them again`, part, 0);
    if (sha256Hex(bytes) !== input.sha256) throw new InvalidImageError(part, 'the bytes do not match their sha256');
    const resized = resizeForUpstream(bytes, { part, maxSide: input.maxSide, jpegQuality: this.config.jpegQuality, maxPixels: this.config.maxPixels });
    const nsfw = input.safety ? this.nsfwBatcher?.submit(bytes) : undefined;
    const ocr = input.ocr ? this.models.ocr?.recognize(bytes) : undefined;
    const embedding = input.embed ? this.visionBatcher?.submit(bytes) : undefined;
    const [r, n, o, e] = await Promise.allSettled([resized, nsfw, ocr, embedding]);
    if (r.status === 'rejected') throw r.reason;
    for (const s of [n, o, e]) {
      if (s.status !== 'rejected') continue;
      if (s.reason instanceof MlInputError) throw new InvalidImageError(part, s.reason.message.replace(/^[^:]+: /, ''));
      throw s.reason;
    }
    const img = r.value;
    const lines = o.status === 'fulfilled' && o.value ? o.value.lines.map((l) => l.text) : null;
    return {
      sha256: input.sha256,
      width: img.width,
      height: img.height,
      mime: img.mime,
      dataB64: img.bytes.toString('base64'),
      outSha256: img.passthrough ? input.sha256 : sha256Hex(img.bytes),
      ocrText: lines ? lines.join('\n') : null,
      nsfwScores: n.status === 'fulfilled' && n.value ? n.value : null,
      embedding: e.status === 'fulfilled' && e.value ? Array.from(e.value) : null,
    };
  }

  private toEncoded(c: CachedEncoding, input: EncodeImageInput, cached: boolean, ms: number): EncodedImage {
    return {
      part: input.part,
      sha256: c.sha256,
      width: c.width,
      height: c.height,
      mime: c.mime,
      dataB64: c.dataB64,
      outSha256: c.outSha256,
      ocrText: input.ocr ? c.ocrText : null,
      nsfw: input.safety && c.nsfwScores ? { verdict: nsfwVerdict(c.nsfwScores, this.config.nsfw), scores: c.nsfwScores } : null,
      ...(input.embed ? { embedding: c.embedding } : {}),
      cached,
      ms,
    };
  }

  /**
   * For a transport: images over `inlineReplyMaxBytes` (or past the reply's inline budget) go into
   * the blob store and travel as `dataB64: ''` + outSha256; the client fetches them.
   */
  private async forReply(images: EncodedImage[]): Promise<EncodedImage[]> {
    if (!Number.isFinite(this.config.inlineReplyMaxBytes)) return images;
    let budget = REPLY_INLINE_BUDGET_BYTES;
    const out: EncodedImage[] = [];
    for (const img of images) {
      const bytes = Math.floor((img.dataB64.length * 3) / 4);
      if (bytes <= this.config.inlineReplyMaxBytes && img.dataB64.length <= budget) {
        budget -= img.dataB64.length;
        out.push(img);
        continue;
      }
      const sha = await this.blobs.put(Buffer.from(img.dataB64, 'base64'), this.config.replyBlobTtlS);
      out.push({ ...img, dataB64: '', outSha256: sha });
    }
    return out;
  }

  private errorReply(e: unknown, part?: string): EncodeImagesReply & { ok: false } {
    if (e instanceof InvalidImageError) return { ok: false, code: 'invalid_image', part: e.part, message: e.detail };
    if (e instanceof MlInputError) return { ok: false, code: 'invalid_image', ...(part ? { part } : {}), message: e.message.replace(/^[^:]+: /, '') };
    if (e instanceof BusyError) return { ok: false, code: 'busy', message: e.message, retryAfterS: e.retryAfterS };
    if (e instanceof QueueFullError) return { ok: false, code: 'busy', message: e.message, retryAfterS: this.admission.retryAfterS() };
    if (e instanceof UnavailableError) return { ok: false, code: 'unavailable', ...(e.part ? { part: e.part } : {}), message: e.message, retryAfterS: e.retryAfterS };
    const message = e instanceof Error ? e.message : String(e);
    this.log.warn(`encoder failure${part ? ` on ${part}` : ''}: ${message}`);
    return { ok: false, code: 'unavailable', ...(part ? { part } : {}), message: `encoder failure: ${message}`, retryAfterS: 1 };
  }
}
