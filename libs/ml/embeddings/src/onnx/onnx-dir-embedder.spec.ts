import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MlInputError, ModelUnavailableError, type TextEmbedder } from '@frontier/ml-ports';
import { cosine } from '@frontier/platform-util';
import { makeTinyModelDir, type TinyModelDir } from '../__fixtures__/tiny-model-dir';
import { TINY_VOCAB } from '../__fixtures__/tiny-tokenizer';
import { l2normalize } from '../validate';
import { createOnnxDirEmbedder } from './onnx-dir-embedder';

/** What the tiny encoder + masked mean pooling must give for these token ids (see tiny-onnx.ts). */
function expectedMean(m: TinyModelDir, ids: number[]): Float32Array {
  const v = new Float32Array(m.hidden);
  for (const id of ids) for (let h = 0; h < m.hidden; h++) v[h] += m.table[id * m.hidden + h] + (m.types ? m.types[h] : 0);
  return l2normalize(v);
}

const ids = (...words: string[]) => ['[CLS]', ...words, '[SEP]'].map((w) => TINY_VOCAB[w]);

describe('createOnnxDirEmbedder (tiny ONNX encoder written in the test, real onnxruntime + transformers.js tokenizer)', () => {
  let bert: TinyModelDir;
  let embedder: TextEmbedder;

  beforeAll(async () => {
    bert = makeTinyModelDir({ tokenTypes: true });
    embedder = await createOnnxDirEmbedder({ dir: bert.dir, modelId: 'onnx:tiny' });
  });
  afterAll(async () => {
    await embedder.close?.();
    bert.remove();
  });

  it('reports identity and the width declared by the graph', () => {
    expect([embedder.modelId, embedder.adapter, embedder.dimension]).toEqual(['onnx:tiny', 'onnx-dir', 8]);
  });

  it('tokenizes with the WordPiece tokenizer.json and mean-pools exactly the real tokens', async () => {
    const [v] = await embedder.embed(['The cats sat on the mat.']);
    const want = expectedMean(bert, ids('the', 'cat', '##s', 'sat', 'on', 'the', 'mat', '.'));
    expect(Array.from(v)).toEqual(Array.from(want).map((x) => expect.closeTo(x, 5)));
  });

  it('gives a sentence the same vector alone and padded in a batch with a much longer one', async () => {
    const short = 'the dog ran';
    const long = 'the quick brown fox ran in the park today , the cat sat on the rug !';
    const [alone] = await embedder.embed([short]);
    const [padded, other] = await embedder.embed([short, long]);
    expect(cosine(alone, padded)).toBeCloseTo(1, 6);
    Array.from(alone).forEach((x, i) => expect(padded[i]).toBeCloseTo(x, 5));
    expect(cosine(alone, other)).toBeLessThan(0.999);
  });

  it('returns unit vectors in input order across batches (batchSize 2 equals one batch)', async () => {
    const texts = ['hello world', 'stock prices fell today', 'the cat sat', 'a dog ran in the park', 'prices rose'];
    const small = await createOnnxDirEmbedder({ dir: bert.dir, batchSize: 2 });
    const [a, b] = [await embedder.embed(texts), await small.embed(texts)];
    a.forEach((v, i) => {
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
      expect(cosine(v, b[i])).toBeCloseTo(1, 6);
      expect(cosine(v, expectedMean(bert, ids(...texts[i].split(' '))))).toBeCloseTo(1, 5);
    });
    await small.close?.();
  });

  it('maps unknown words to [UNK] and lower-cases like the BERT normaliser', async () => {
    const [v] = await embedder.embed(['HELLO Zebra']);
    expect(cosine(v, expectedMean(bert, ids('hello', '[UNK]')))).toBeCloseTo(1, 5);
  });

  it('truncates to maxTokens keeping the closing [SEP]', async () => {
    const e = await createOnnxDirEmbedder({ dir: bert.dir, maxTokens: 4 });
    const [v] = await e.embed(['the cat sat on the mat']);
    expect(cosine(v, expectedMean(bert, [TINY_VOCAB['[CLS]'], TINY_VOCAB['the'], TINY_VOCAB['cat'], TINY_VOCAB['[SEP]']]))).toBeCloseTo(1, 5);
    await e.close?.();
  });

  it('rejects bad input with typed errors naming the field', async () => {
    await expect(embedder.embed([])).rejects.toMatchObject({ name: 'MlInputError', code: 'empty_input', field: 'texts' });
    await expect(embedder.embed(['ok', '   '])).rejects.toMatchObject({ code: 'empty_input', field: 'texts[1]' });
    await expect(embedder.embed(['x'.repeat(8193)])).rejects.toMatchObject({ code: 'input_too_large', field: 'texts[0]' });
    await expect(embedder.embed(['ok', 42 as unknown as string])).rejects.toMatchObject({ code: 'invalid_argument', field: 'texts[1]' });
    await expect(embedder.embed(null as unknown as string[])).rejects.toBeInstanceOf(MlInputError);
  });
});

describe('createOnnxDirEmbedder variants', () => {
  it('feeds no token_type_ids to a model without that input, and loads a tokenizer.json without tokenizer_config.json', async () => {
    const m = makeTinyModelDir({ tokenTypes: false, tokenizerConfig: false });
    try {
      const e = await createOnnxDirEmbedder({ dir: m.dir });
      const [a, b] = await e.embed(['the cat sat', 'the quick brown fox ran in the park']);
      expect(cosine(a, expectedMean(m, ids('the', 'cat', 'sat')))).toBeCloseTo(1, 5);
      const [alone] = await e.embed(['the cat sat']);
      expect(cosine(alone, a)).toBeCloseTo(1, 6);
      expect(b).toHaveLength(8);
      await e.close?.();
    } finally {
      m.remove();
    }
  });

  it('uses CLS pooling when 1_Pooling/config.json asks for it (and the option overrides it)', async () => {
    const m = makeTinyModelDir({ pooling: 'cls' });
    try {
      const cls = await createOnnxDirEmbedder({ dir: m.dir });
      const mean = await createOnnxDirEmbedder({ dir: m.dir, pooling: 'mean' });
      const text = 'the cat sat';
      const tokens = ids('the', 'cat', 'sat');
      // CLS output = E[CLS] + masked mean of E
      const want = new Float32Array(m.hidden);
      const meanE = expectedMean(m, tokens).map(() => 0);
      for (const id of tokens) for (let h = 0; h < m.hidden; h++) meanE[h] += (m.table[id * m.hidden + h] + (m.types?.[h] ?? 0)) / tokens.length;
      for (let h = 0; h < m.hidden; h++) want[h] = m.table[TINY_VOCAB['[CLS]'] * m.hidden + h] + (m.types?.[h] ?? 0) + meanE[h];
      expect(cosine((await cls.embed([text]))[0], want)).toBeCloseTo(1, 5);
      expect(cosine((await mean.embed([text]))[0], expectedMean(m, tokens))).toBeCloseTo(1, 5);
      const [padded] = await cls.embed([text, 'the quick brown fox ran in the park today']);
      expect(cosine(padded, want)).toBeCloseTo(1, 5);
      await Promise.all([cls.close?.(), mean.close?.()]);
    } finally {
      m.remove();
    }
  });

  it('fails to load with ModelUnavailableError: missing dir, missing model.onnx, corrupt model, missing tokenizer', async () => {
    await expect(createOnnxDirEmbedder({ dir: '/nonexistent/model-dir' })).rejects.toBeInstanceOf(ModelUnavailableError);
    const m = makeTinyModelDir();
    try {
      await expect(createOnnxDirEmbedder({ dir: m.dir, modelFile: 'missing.onnx' })).rejects.toThrow(/no missing\.onnx/);
      writeFileSync(path.join(m.dir, 'broken.onnx'), Buffer.from('not an onnx model'));
      const err = await createOnnxDirEmbedder({ dir: m.dir, modelFile: 'broken.onnx' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelUnavailableError);
      expect((err as ModelUnavailableError).message).toMatch(/onnxruntime could not load/);
      await expect(createOnnxDirEmbedder({ dir: m.dir, outputName: 'pooled' })).rejects.toThrow(/no output pooled/);
      writeFileSync(path.join(m.dir, 'tokenizer.json'), '{ not json');
      await expect(createOnnxDirEmbedder({ dir: m.dir })).rejects.toBeInstanceOf(ModelUnavailableError);
    } finally {
      m.remove();
    }
  });
});
