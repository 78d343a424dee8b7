import { createHash } from 'node:crypto';
import type { RedisOptions } from 'ioredis';
import { getManyBuffers, type RedisClient } from '@frontier/platform-redis';
import type { EncodeImageInput } from '@frontier/multimodal-contracts';
import { INLINE_MAX_BYTES } from './config';

/** sha256 of bytes, lowercase hex: the blob key and the cache key. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const SHA256 = /^[0-9a-f]{64}$/;
export const isSha256 = (s: unknown): s is string => typeof s === 'string' && SHA256.test(s);

/** ioredis options for the encoders' own clients: fail fast while Redis is down, reconnect at most a second apart. */
export function encoderRedisOptions(commandTimeoutMs = 2_000): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: Math.max(commandTimeoutMs, 1_000),
    commandTimeout: commandTimeoutMs,
    retryStrategy: (times) => Math.min(times * 200, 1_000),
    lazyConnect: false,
  };
}

/** Resolves true once `redis` is ready, false after `ms` (commands fail fast until it is: no offline queue). */
export function redisReady(redis: RedisClient, ms = 2_000): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.once('ready', onReady);
  });
}

/**
 * Content-addressed image bytes in Redis: the gateway puts, the worker gets (and the worker puts
 * resized images a transport reply refers to). A key is `<prefix>:blob:<sha256>`; a put is
 * `SET … EX ttl NX` (the same bytes under the same hash: the first writer's TTL stands).
 */
export class BlobStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** Default TTL of a put, seconds. */
    readonly ttlS = 600,
  ) {}

  key(sha256: string): string {
    return `${this.prefix}:blob:${sha256}`;
  }

  /** Stores the bytes (if not there yet) and returns their sha256. */
  async put(bytes: Uint8Array, ttlS = this.ttlS): Promise<string> {
    const sha = sha256Hex(bytes);
    await this.redis.set(this.key(sha), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', Math.max(1, Math.round(ttlS)), 'NX');
    return sha;
  }

  /** The bytes stored under `sha256`, or null (never stored, or expired). */
  async get(sha256: string): Promise<Buffer | null> {
    if (!isSha256(sha256)) return null;
    return this.redis.getBuffer(this.key(sha256));
  }

  /** Several at once (one round trip; in Redis Cluster one GET per key, sent together). */
  async getMany(hashes: readonly string[]): Promise<Array<Buffer | null>> {
    if (!hashes.length) return [];
    const valid = hashes.map(isSha256);
    const keys = hashes.filter((_, i) => valid[i]).map((h) => this.key(h));
    const found = await getManyBuffers(this.redis, keys);
    let j = 0;
    return hashes.map((_, i) => (valid[i] ? (found[j++] ?? null) : null));
  }
}

/** What the gateway knows about one image part before encoding. */
export interface ImagePartOptions {
  part: string;
  maxSide: number | null;
  ocr: boolean;
  safety: boolean;
  embed?: boolean;
}

/**
 * Builds an {@link EncodeImageInput}: bytes up to `inlineMaxBytes` travel inline (base64), larger
 * ones are put in the blob store and travel by sha256. With no blob store (in-process encoders)
 * everything is inline.
 */
export async function prepareImageInput(blobs: BlobStore | null, bytes: Uint8Array, o: ImagePartOptions, inlineMaxBytes = INLINE_MAX_BYTES): Promise<EncodeImageInput> {
  const base = { part: o.part, maxSide: o.maxSide, ocr: o.ocr, safety: o.safety, ...(o.embed ? { embed: true } : {}) };
  if (!blobs || bytes.byteLength <= inlineMaxBytes) {
    return { ...base, sha256: sha256Hex(bytes), dataB64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
  }
  return { ...base, sha256: await blobs.put(bytes) };
}
