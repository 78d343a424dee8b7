import { ModelUnavailableError, type TextEmbedder } from '@frontier/ml-ports';
import { cosine } from '@frontier/platform-util';
import { PARAPHRASE_ROWS } from './__fixtures__/paraphrase-pairs';
import { embeddingCacheKey } from './cache/embedding-cache';
import { createQueryEmbedder, defaultQueryEmbeddingMode } from './query-embedder';
import { createUseEmbedder } from './use/use-embedder';

jest.setTimeout(120_000);

const counting = (modelId: string): TextEmbedder & { texts: string[] } => {
  const texts: string[] = [];
  return {
    modelId,
    adapter: 'fake',
    dimension: 2,
    texts,
    embed: async (ts) => {
      texts.push(...ts);
      return ts.map((t) => Float32Array.from([t.length, modelId.length]));
    },
  };
};

describe('createQueryEmbedder', () => {
  it('defaults to the static table for USE-lite and to the model for any other model', () => {
    expect(defaultQueryEmbeddingMode('use-lite-512')).toBe('static');
    expect(defaultQueryEmbeddingMode('onnx:all-MiniLM-L6-v2')).toBe('model');
  });

  it('model mode (mocked model): repeated queries come from the cache, keyed by model — another model never gets them', async () => {
    const a = counting('model-a');
    const b = counting('model-b');
    const qa = await createQueryEmbedder(a);
    const qb = await createQueryEmbedder(b);
    await qa.embed(['where do I work?']);
    await qa.embed(['where do I work?']);
    const [vb] = await qb.embed(['where do I work?']);
    expect(a.texts).toEqual(['where do I work?']);
    expect(b.texts).toEqual(['where do I work?']);
    expect(Array.from(vb as Float32Array)).toEqual([16, 7]);
    expect(embeddingCacheKey('model-a', 'x')).not.toBe(embeddingCacheKey('model-b', 'x'));
  });

  it('refuses the static mode for a model no table was distilled from, and passes the model through in direct mode', async () => {
    const other = counting('onnx:minilm');
    await expect(createQueryEmbedder(other, { mode: 'static' })).rejects.toBeInstanceOf(ModelUnavailableError);
    expect(await createQueryEmbedder(other, { mode: 'direct' })).toBe(other);
  });

  describe('static mode against the real USE-lite', () => {
    let use: TextEmbedder;
    let stat: TextEmbedder;
    beforeAll(async () => {
      use = await createUseEmbedder({ inline: true });
      stat = await createQueryEmbedder(use);
    });
    afterAll(async () => use.close?.());

    it('returns unit 512-d vectors named after their teacher, with the port’s input errors', async () => {
      expect([stat.modelId, stat.adapter, stat.dimension]).toEqual(['use-lite-512:static', 'static-table', 512]);
      const [v] = await stat.embed(['What should I cook for dinner?']);
      expect(Math.hypot(...(v as Float32Array))).toBeCloseTo(1, 4);
      await expect(stat.embed([''])).rejects.toMatchObject({ code: 'empty_input', field: 'texts[0]' });
      await expect(stat.embed([])).rejects.toMatchObject({ code: 'empty_input', field: 'texts' });
    });

    it('ranks USE-lite document vectors like USE-lite queries do, above the measured floor', async () => {
      // documents: USE-lite vectors of the 30 paraphrases and 30 unrelated sentences; queries: the 30 anchors
      const docs = await use.embed(PARAPHRASE_ROWS.flatMap((r) => [r.paraphrase, r.unrelated]));
      const anchors = PARAPHRASE_ROWS.map((r) => r.anchor);
      const [qUse, qStatic] = await Promise.all([use.embed(anchors), stat.embed(anchors)]);
      const rank = (q: Float32Array) => docs.map((d, i) => ({ i, s: cosine(q, d) })).sort((x, y) => y.s - x.s).map((x) => x.i);
      let top1Use = 0;
      let top1Static = 0;
      let overlap5 = 0;
      let agreeCos = 0;
      anchors.forEach((_, k) => {
        const ru = rank(qUse[k] as Float32Array);
        const rs = rank(qStatic[k] as Float32Array);
        if (ru[0] === 2 * k) top1Use++;
        if (rs[0] === 2 * k) top1Static++;
        overlap5 += rs.slice(0, 5).filter((i) => ru.slice(0, 5).includes(i)).length / 5;
        agreeCos += cosine(qUse[k] as Float32Array, qStatic[k] as Float32Array);
      });
      const n = anchors.length;
      const figures = { top1Use: top1Use / n, top1Static: top1Static / n, overlapAt5: overlap5 / n, meanCosToUse: agreeCos / n };
      console.log(`static vs USE-lite on the paraphrase set: ${JSON.stringify(figures)}`);
      // floors a little under what the shipped table measured (README, docs/benchmarks/memory-search-load.md)
      expect(figures.top1Static).toBeGreaterThanOrEqual(FLOORS.top1);
      expect(figures.overlapAt5).toBeGreaterThanOrEqual(FLOORS.overlapAt5);
      expect(figures.meanCosToUse).toBeGreaterThanOrEqual(FLOORS.meanCos);
    });
  });
});

// measured with the shipped table: top-1 0.833 (USE-lite itself 0.967), overlap@5 0.493, mean cosine to USE-lite 0.553
const FLOORS = { top1: 0.75, overlapAt5: 0.4, meanCos: 0.45 };
