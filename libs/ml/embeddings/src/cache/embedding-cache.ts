import { createHash } from 'node:crypto';
import { MlInputError, type TextEmbedder } from '@frontier/ml-ports';
import { positiveInt, validateTexts } from '../validate';

export interface EmbeddingCacheOptions {
  /** Vectors kept; the least recently used is evicted beyond this. */
  maxEntries: number;
}

export interface EmbeddingCacheStats {
  hits: number;
  misses: number;
  size: number;
  evictions: number;
}

/** A TextEmbedder that answers repeated texts from memory. */
export interface CachedTextEmbedder extends TextEmbedder {
  stats(): EmbeddingCacheStats;
  clear(): void;
}

/** Cache key: the model id plus the SHA-256 of the text (vectors from another model never match). */
export function embeddingCacheKey(modelId: string, text: string): string {
  return `${modelId}\u0000${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

/** Maps an inner `texts[j]` error (j indexes the misses) back to the caller's index. */
function renumber(e: unknown, original: number[]): unknown {
  if (!(e instanceof MlInputError)) return e;
  const m = /^texts\[(\d+)\]$/.exec(e.field);
  const i = m ? original[Number(m[1])] : undefined;
  if (i === undefined) return e;
  const field = `texts[${i}]`;
  const out = new MlInputError(e.code, field, '');
  out.message = e.message.replace(e.field, field);
  return out;
}

/**
 * Wraps `embedder` with an LRU cache keyed by model id + SHA-256 of the text. Only misses reach
 * the model (in one call, in order, each distinct text once); callers get their own copies, so
 * mutating a returned vector never corrupts the cache.
 */
export function withEmbeddingCache(embedder: TextEmbedder, options: EmbeddingCacheOptions): CachedTextEmbedder {
  const maxEntries = positiveInt(options.maxEntries, 1, 'options.maxEntries');
  const lru = new Map<string, Float32Array>();
  const counters = { hits: 0, misses: 0, evictions: 0 };

  const touch = (key: string, v: Float32Array) => {
    lru.delete(key);
    lru.set(key, v);
    while (lru.size > maxEntries) {
      // Map iterates in insertion order: the first key is the least recently used
      const oldest = lru.keys().next().value as string;
      lru.delete(oldest);
      counters.evictions++;
    }
  };

  return {
    modelId: embedder.modelId,
    adapter: embedder.adapter,
    dimension: embedder.dimension,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      // size limits are the wrapped embedder's; it sees every miss
      validateTexts(texts, Number.POSITIVE_INFINITY);
      const keys = texts.map((t) => embeddingCacheKey(embedder.modelId, t));
      const out = new Array<Float32Array | undefined>(texts.length);
      const missText: string[] = [];
      const missSlots = new Map<string, number[]>();
      keys.forEach((key, i) => {
        const hit = lru.get(key);
        if (hit) {
          touch(key, hit);
          out[i] = hit.slice();
          counters.hits++;
          return;
        }
        const slots = missSlots.get(key);
        if (slots) slots.push(i);
        else {
          missSlots.set(key, [i]);
          missText.push(texts[i]);
        }
      });
      if (missText.length > 0) {
        counters.misses += missText.length;
        const vectors = await embedder.embed(missText).catch((e: unknown) => {
          throw renumber(e, [...missSlots.values()].map((slots) => slots[0]));
        });
        let j = 0;
        for (const [key, slots] of missSlots) {
          const v = vectors[j++];
          touch(key, v.slice());
          for (const i of slots) out[i] = v.slice();
        }
      }
      return out as Float32Array[];
    },
    stats: () => ({ ...counters, size: lru.size }),
    clear: () => lru.clear(),
    async close() {
      await embedder.close?.();
    },
  };
}
