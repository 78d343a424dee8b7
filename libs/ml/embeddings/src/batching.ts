/** Splits `items` into consecutive chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Maps `items` through `fn` with at most `limit` calls in flight; results keep input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** Options of {@link withMicroBatching}. */
export interface MicroBatchingOptions {
  /** Most texts in one call to the wrapped embedder. Default 32. */
  maxBatch?: number;
  /** Calls to the wrapped embedder in flight at once (its workers). Default 1. */
  lanes?: number;
}

interface Waiting {
  texts: readonly string[];
  resolve(v: Float32Array[]): void;
  reject(e: unknown): void;
}

/**
 * Cross-request micro-batching: `embed` calls that arrive while the wrapped embedder is busy wait
 * and go out together, in one call of at most `maxBatch` texts, as soon as a lane frees (no timer:
 * a lone call goes at once). Each caller gets exactly its own vectors, in its order. If a merged
 * call fails, each of its callers is retried alone, so one caller's bad text fails only that
 * caller. An input larger than `maxBatch` is passed through on its own.
 */
export function withMicroBatching<E extends TextEmbedderLike>(embedder: E, options: MicroBatchingOptions = {}): E & { batches(): { calls: number; texts: number } } {
  const maxBatch = Math.max(1, options.maxBatch ?? 32);
  const lanes = Math.max(1, options.lanes ?? 1);
  const queue: Waiting[] = [];
  const counters = { calls: 0, texts: 0 };
  let busy = 0;

  const pump = (): void => {
    while (busy < lanes && queue.length) {
      const group: Waiting[] = [];
      let n = 0;
      while (queue.length && (group.length === 0 || n + (queue[0] as Waiting).texts.length <= maxBatch)) {
        const w = queue.shift() as Waiting;
        group.push(w);
        n += w.texts.length;
      }
      busy++;
      counters.calls++;
      counters.texts += n;
      void run(group).finally(() => {
        busy--;
        pump();
      });
    }
  };

  const run = async (group: Waiting[]): Promise<void> => {
    if (group.length === 1) {
      const w = group[0] as Waiting;
      await embedder.embed(w.texts).then(w.resolve, w.reject);
      return;
    }
    try {
      const all = await embedder.embed(group.flatMap((w) => w.texts));
      let at = 0;
      for (const w of group) {
        w.resolve(all.slice(at, at + w.texts.length));
        at += w.texts.length;
      }
    } catch {
      // someone's text broke the merged call: each caller alone, so only that caller hears of it
      await Promise.all(group.map((w) => embedder.embed(w.texts).then(w.resolve, w.reject)));
    }
  };

  return Object.assign(Object.create(embedder) as E, {
    embed(texts: readonly string[]): Promise<Float32Array[]> {
      return new Promise<Float32Array[]>((resolve, reject) => {
        queue.push({ texts: [...texts], resolve, reject });
        pump();
      });
    },
    batches: () => ({ ...counters }),
  });
}

/** The part of the TextEmbedder port micro-batching needs. */
export interface TextEmbedderLike {
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
