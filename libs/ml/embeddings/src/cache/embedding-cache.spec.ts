import type { TextEmbedder } from '@frontier/ml-ports';
import { makeTinyModelDir, type TinyModelDir } from '../__fixtures__/tiny-model-dir';
import { createOnnxDirEmbedder } from '../onnx/onnx-dir-embedder';
import { embeddingCacheKey, withEmbeddingCache } from './embedding-cache';

/** The real tiny ONNX embedder, with a log of the batches that reach it. */
function recording(inner: TextEmbedder): TextEmbedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    modelId: inner.modelId,
    adapter: inner.adapter,
    dimension: inner.dimension,
    calls,
    embed: async (texts) => {
      calls.push([...texts]);
      return inner.embed(texts);
    },
  };
}

describe('withEmbeddingCache (over the tiny ONNX embedder)', () => {
  let model: TinyModelDir;
  let inner: TextEmbedder;

  beforeAll(async () => {
    model = makeTinyModelDir();
    inner = await createOnnxDirEmbedder({ dir: model.dir, modelId: 'onnx:tiny' });
  });
  afterAll(async () => {
    await inner.close?.();
    model.remove();
  });

  it('sends only misses to the model, each distinct text once, and keeps the caller’s order', async () => {
    const rec = recording(inner);
    const cached = withEmbeddingCache(rec, { maxEntries: 10 });
    expect([cached.modelId, cached.adapter, cached.dimension]).toEqual(['onnx:tiny', 'onnx-dir', 8]);
    const first = await cached.embed(['the cat sat', 'the dog ran', 'the cat sat']);
    expect(rec.calls).toEqual([['the cat sat', 'the dog ran']]);
    expect(Array.from(first[0])).toEqual(Array.from(first[2]));
    const second = await cached.embed(['hello world', 'the dog ran', 'the cat sat', 'hello world']);
    expect(rec.calls[1]).toEqual(['hello world']);
    const direct = await inner.embed(['hello world', 'the dog ran', 'the cat sat', 'hello world']);
    second.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(direct[i])));
    // an in-call duplicate is neither a hit nor a second miss
    expect(cached.stats()).toEqual({ hits: 2, misses: 3, size: 3, evictions: 0 });
    await cached.embed(['the cat sat']);
    expect(rec.calls).toHaveLength(2);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const rec = recording(inner);
    const cached = withEmbeddingCache(rec, { maxEntries: 2 });
    await cached.embed(['a cat', 'a dog']);
    await cached.embed(['a cat']); // now 'a dog' is the least recently used
    await cached.embed(['the mat']); // evicts 'a dog'
    await cached.embed(['a cat', 'a dog']);
    expect(rec.calls).toEqual([['a cat', 'a dog'], ['the mat'], ['a dog']]);
    expect(cached.stats()).toMatchObject({ size: 2, evictions: 2 });
  });

  it('hands out copies: mutating a returned vector does not corrupt the cache', async () => {
    const cached = withEmbeddingCache(inner, { maxEntries: 4 });
    const [a] = await cached.embed(['stock prices fell']);
    const snapshot = Array.from(a);
    a.fill(0);
    const [b] = await cached.embed(['stock prices fell']);
    expect(Array.from(b)).toEqual(snapshot);
  });

  it('keys by model id + SHA-256 of the text', () => {
    expect(embeddingCacheKey('m1', 'hello')).not.toBe(embeddingCacheKey('m2', 'hello'));
    expect(embeddingCacheKey('m1', 'hello')).toBe(embeddingCacheKey('m1', 'hello'));
    expect(embeddingCacheKey('m1', 'hello')).toBe(`m1\u0000${'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ='}`);
  });

  it('rejects bad input itself and renumbers the model’s errors to the caller’s indices', async () => {
    const limited = await createOnnxDirEmbedder({ dir: model.dir, maxChars: 12 });
    const cached = withEmbeddingCache(limited, { maxEntries: 4 });
    await expect(cached.embed([])).rejects.toMatchObject({ code: 'empty_input', field: 'texts' });
    await expect(cached.embed(['ok', ''])).rejects.toMatchObject({ code: 'empty_input', field: 'texts[1]' });
    await expect(cached.embed([null as unknown as string])).rejects.toMatchObject({ code: 'invalid_argument', field: 'texts[0]' });
    await cached.embed(['the cat']);
    // 'the cat' is a hit, so the model sees the long text as its texts[0]; the caller hears texts[1]
    const err = await cached.embed(['the cat', 'a text that is far too long']).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'MlInputError', code: 'input_too_large', field: 'texts[1]' });
    expect((err as Error).message).toMatch(/^texts\[1\]: /);
    expect(() => withEmbeddingCache(inner, { maxEntries: 0 })).toThrow(/maxEntries/);
    await limited.close?.();
  });
});
