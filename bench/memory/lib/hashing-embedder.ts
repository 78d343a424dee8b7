import { createHash } from 'node:crypto';
import type { TextEmbedder } from '@frontier/ml-ports';

/**
 * Feature hashing of lower-cased words (and word pairs) into `dim` dimensions, L2-normalised:
 * deterministic and model-free, for benches that measure storage paths rather than retrieval
 * quality (USE-lite runs ~170 sentences/s on one core and would dominate them).
 */
export function hashingEmbedder(dim = 512): TextEmbedder {
  return {
    modelId: `bench-hash-${dim}`,
    adapter: 'bench-hash',
    dimension: dim,
    async embed(texts: readonly string[]) {
      return texts.map((t) => {
        const v = new Float32Array(dim);
        const words = t.toLowerCase().match(/[a-z0-9']+/g) ?? [];
        for (let i = 0; i < words.length; i++) {
          for (const f of [words[i] as string, `${words[i]} ${words[i + 1] ?? ''}`]) {
            const h = createHash('md5').update(f).digest();
            v[h.readUInt16LE(0) % dim] += h[2] & 1 ? 1 : -1;
          }
        }
        let n = 0;
        for (const x of v) n += x * x;
        if (n === 0) return (v[0] = 1), v;
        const s = 1 / Math.sqrt(n);
        for (let i = 0; i < dim; i++) v[i] = (v[i] as number) * s;
        return v;
      });
    },
  };
}
