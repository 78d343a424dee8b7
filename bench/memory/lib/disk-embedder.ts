/** A TextEmbedder that remembers vectors on disk (tmp/, gitignored) so bench reruns skip the model. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TextEmbedder } from '@frontier/ml-ports';

export interface DiskCachedEmbedder extends TextEmbedder {
  /** Model calls: texts embedded for real, and their total time. */
  stats(): { hits: number; misses: number; modelMs: number };
  save(): void;
  close(): Promise<void>;
}

export function diskCachedEmbedder(inner: () => Promise<TextEmbedder>, meta: { modelId: string; dimension: number }, file = 'tmp/memory-bench/embeddings.json'): DiskCachedEmbedder {
  const path = resolve(file);
  const store = new Map<string, string>(existsSync(path) ? Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : []);
  let model: TextEmbedder | null = null;
  let dirty = false;
  const s = { hits: 0, misses: 0, modelMs: 0 };
  const key = (t: string) => createHash('sha256').update(`${meta.modelId}\u0000${t}`).digest('base64');
  const decode = (b64: string) => {
    const buf = Buffer.from(b64, 'base64');
    const copy = new Uint8Array(buf.byteLength);
    copy.set(buf);
    return new Float32Array(copy.buffer);
  };
  return {
    modelId: meta.modelId,
    adapter: 'disk-cache',
    dimension: meta.dimension,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      const out: Array<Float32Array | undefined> = texts.map((t) => {
        const b = store.get(key(t));
        return b ? decode(b) : undefined;
      });
      const miss = texts.filter((_, i) => !out[i]);
      s.hits += texts.length - miss.length;
      if (miss.length) {
        model ??= await inner();
        const t0 = performance.now();
        const vs = await model.embed(miss);
        s.modelMs += performance.now() - t0;
        s.misses += miss.length;
        let j = 0;
        texts.forEach((t, i) => {
          if (out[i]) return;
          const v = vs[j++] as Float32Array;
          out[i] = v;
          store.set(key(t), Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
          dirty = true;
        });
      }
      return out as Float32Array[];
    },
    stats: () => ({ ...s }),
    save() {
      if (!dirty) return;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(Object.fromEntries(store)));
      dirty = false;
    },
    async close() {
      this.save();
      await model?.close?.();
    },
  };
}
