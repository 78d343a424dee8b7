import { Rng } from '../random';
import { blendItemEmbedding, fitContentProjection, popularDiverseFallback, projectContent, type CatalogItem } from './index';

describe('cold start', () => {
  const catalog: CatalogItem[] = [
    ...['a1', 'a2', 'a3', 'a4'].map((id, i) => ({ id, popularity: 100 - i, category: 'A' })),
    ...['b1', 'b2'].map((id, i) => ({ id, popularity: 50 - i, category: 'B' })),
    { id: 'c1', popularity: 10, category: 'C' },
    { id: 'd1', popularity: 5, category: 'D' },
  ];

  it('new-user fallback mixes the most popular with one of each unseen category, under the cap', () => {
    const list = popularDiverseFallback(catalog, 6, { popularShare: 0.5, maxPerCategory: 2 });
    expect(list.map((x) => x.id)).toEqual(['a1', 'a2', 'b1', 'c1', 'd1', 'b2']);
    const all = popularDiverseFallback(catalog, 8);
    expect(all).toHaveLength(8);
    expect(new Set(all.map((x) => x.id)).size).toBe(8);
  });

  it('learns the projection from content to item embeddings (recovers a linear map)', () => {
    const rng = new Rng(1);
    const dc = 6;
    const e = 4;
    const n = 200;
    const trueW = Float64Array.from({ length: dc * e }, () => rng.normal());
    const content = Float64Array.from({ length: n * dc }, () => rng.normal());
    const target = new Float32Array(n * e);
    for (let r = 0; r < n; r++) for (let k = 0; k < e; k++) for (let j = 0; j < dc; j++) target[r * e + k] += content[r * dc + j] * trueW[j * e + k] + 0;
    const p = fitContentProjection(content, target, n, dc, e, 1e-6);
    const x = Float64Array.from({ length: dc }, () => rng.normal());
    const got = projectContent(p, x);
    for (let k = 0; k < e; k++) {
      let want = 0;
      for (let j = 0; j < dc; j++) want += x[j] * trueW[j * e + k];
      expect(got[k]).toBeCloseTo(want, 3);
    }
  });

  it('blends from the content embedding towards the interaction embedding as impressions accrue', () => {
    const c = Float32Array.of(1, 0);
    const i = Float32Array.of(0, 1);
    expect(Array.from(blendItemEmbedding(c, undefined, 500))).toEqual([1, 0]);
    expect(Array.from(blendItemEmbedding(c, i, 0))).toEqual([1, 0]);
    expect(Array.from(blendItemEmbedding(c, i, 100))).toEqual([0.5, 0.5]);
    expect(blendItemEmbedding(c, i, 10_000)[1]).toBeGreaterThan(0.99);
  });
});
