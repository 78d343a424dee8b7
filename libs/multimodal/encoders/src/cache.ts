import { getMany, type RedisClient } from '@frontier/platform-redis';
import type { EncodeImageInput } from '@frontier/multimodal-contracts';

/** What is cached per (image, options): the encoding without its per-request fields (part, cached, ms) and with raw NSFW scores (the verdict is recomputed with the thresholds in force). */
export interface CachedEncoding {
  sha256: string;
  width: number;
  height: number;
  mime: 'image/png' | 'image/jpeg';
  dataB64: string;
  outSha256: string;
  ocrText: string | null;
  nsfwScores: Record<string, number> | null;
  embedding: number[] | null;
}

/** The cache key of an image under the options that change its encoding. */
export function encodingKey(i: Pick<EncodeImageInput, 'sha256' | 'maxSide' | 'ocr' | 'safety' | 'embed'>): string {
  return `${i.sha256}:${i.maxSide ?? 'full'}:${i.ocr ? 'o' : '-'}${i.safety ? 's' : '-'}${i.embed ? 'e' : '-'}`;
}

/** A small LRU bounded by entries and by a size measure (Map keeps insertion order: the first key is the oldest). */
export class Lru<V> {
  private readonly map = new Map<string, { v: V; size: number }>();
  private total = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxSize: number,
    private readonly sizeOf: (v: V) => number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.v;
  }

  set(key: string, v: V): void {
    if (this.maxEntries <= 0) return;
    const size = this.sizeOf(v);
    if (size > this.maxSize) return;
    const old = this.map.get(key);
    if (old) {
      this.total -= old.size;
      this.map.delete(key);
    }
    this.map.set(key, { v, size });
    this.total += size;
    while (this.map.size > this.maxEntries || this.total > this.maxSize) {
      const oldest = this.map.keys().next().value as string;
      this.total -= this.map.get(oldest)?.size ?? 0;
      this.map.delete(oldest);
    }
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}

/** Encodings by content hash + options: an in-process LRU in front of Redis (`<prefix>:img:<key>`, TTL). */
export class EncodingCache {
  readonly lru: Lru<CachedEncoding>;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly ttlS: number,
    lru: { entries: number; maxBytes: number },
  ) {
    this.lru = new Lru<CachedEncoding>(lru.entries, lru.maxBytes, (v) => v.dataB64.length + (v.ocrText?.length ?? 0) + 256);
  }

  private key(k: string): string {
    return `${this.prefix}:img:${k}`;
  }

  /** The encodings found (LRU first, then one MGET for the rest: one GET per key in Redis Cluster); a Redis failure counts as misses. */
  async getMany(keys: readonly string[]): Promise<Array<CachedEncoding | undefined>> {
    const out: Array<CachedEncoding | undefined> = keys.map((k) => this.lru.get(k));
    const missing = keys.map((k, i) => [k, i] as const).filter(([, i]) => !out[i]);
    if (!missing.length) return out;
    let found: Array<string | null>;
    try {
      found = await getMany(this.redis, missing.map(([k]) => this.key(k)));
    } catch {
      return out;
    }
    missing.forEach(([k, i], j) => {
      const raw = found[j];
      if (!raw) return;
      try {
        const v = JSON.parse(raw) as CachedEncoding;
        this.lru.set(k, v);
        out[i] = v;
      } catch {
        // a corrupt entry is a miss; the next put replaces it
      }
    });
    return out;
  }

  /** Stores in the LRU and Redis; a Redis failure only loses the shared copy. */
  async put(key: string, v: CachedEncoding): Promise<void> {
    this.lru.set(key, v);
    await this.redis.set(this.key(key), JSON.stringify(v), 'EX', this.ttlS).catch(() => undefined);
  }
}
