import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { MlInputError, QueueFullError, type TextEmbedder } from '@frontier/ml-ports';
import { PARAPHRASE_ROWS, scorePairs } from '../__fixtures__/paraphrase-pairs';
import { cosine } from '@frontier/platform-util';
import { createUseEmbedder } from './use-embedder';

jest.setTimeout(60_000);

describe('createUseEmbedder (real Universal Sentence Encoder lite, @energetic-ai 0.2.0)', () => {
  let worker: TextEmbedder;
  let inline: TextEmbedder;

  beforeAll(async () => {
    [worker, inline] = await Promise.all([createUseEmbedder(), createUseEmbedder({ inline: true })]);
  });
  afterAll(async () => {
    await Promise.all([worker.close?.(), inline.close?.()]);
  });

  it('reports identity: use-lite-512, 512-d, tfjs-use', () => {
    expect([worker.modelId, worker.adapter, worker.dimension]).toEqual(['use-lite-512', 'tfjs-use', 512]);
  });

  it('scores paraphrase pairs above unrelated pairs over a labelled set of 60 pairs', async () => {
    const anchors = PARAPHRASE_ROWS.map((r) => r.anchor);
    const [a, p, u] = await Promise.all([worker.embed(anchors), worker.embed(PARAPHRASE_ROWS.map((r) => r.paraphrase)), worker.embed(PARAPHRASE_ROWS.map((r) => r.unrelated))]);
    const s = scorePairs(
      a.map((v, i) => cosine(v, p[i])),
      a.map((v, i) => cosine(v, u[i])),
    );
    expect(s.pairs).toBeGreaterThanOrEqual(30);
    expect(s.paraphraseMean).toBeGreaterThan(s.unrelatedMean);
    expect(s.margin).toBeGreaterThan(0.2);
    expect(s.tripletAccuracy).toBeGreaterThanOrEqual(0.9);
    // the figures the README and docs/benchmarks/ml-embeddings.md report
    console.log(`USE paraphrase set: ${JSON.stringify(s)}`);
  });

  it('returns unit 512-d vectors in input order, the same whether batched, split or run inline', async () => {
    const texts = PARAPHRASE_ROWS.slice(0, 10).map((r) => r.anchor);
    const whole = await worker.embed(texts);
    const split = await createUseEmbedder({ inline: true, batchSize: 3 }).then(async (e) => e.embed(texts));
    const one = await Promise.all(texts.map(async (t) => (await inline.embed([t]))[0]));
    whole.forEach((v, i) => {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(512);
      expect(Math.hypot(...v)).toBeCloseTo(1, 4);
      expect(cosine(v, split[i])).toBeCloseTo(1, 4);
      expect(cosine(v, one[i])).toBeCloseTo(1, 4);
    });
    // order: each vector is nearest to its own text's single embedding
    whole.forEach((v, i) => expect(one.map((o) => cosine(v, o)).indexOf(Math.max(...one.map((o) => cosine(v, o))))).toBe(i));
  });

  it('rejects bad input with MlInputError before the model sees it (worker and inline)', async () => {
    for (const e of [worker, inline]) {
      await expect(e.embed([])).rejects.toMatchObject({ name: 'MlInputError', code: 'empty_input', field: 'texts' });
      await expect(e.embed(['fine', ' \n\t '])).rejects.toMatchObject({ code: 'empty_input', field: 'texts[1]' });
      await expect(e.embed(['fine', '', 'also fine'])).rejects.toMatchObject({ code: 'empty_input', field: 'texts[1]' });
      await expect(e.embed(['x'.repeat(8193)])).rejects.toMatchObject({ code: 'input_too_large', field: 'texts[0]' });
      await expect(e.embed([undefined as unknown as string])).rejects.toMatchObject({ code: 'invalid_argument', field: 'texts[0]' });
      await expect(e.embed('not an array' as unknown as string[])).rejects.toBeInstanceOf(MlInputError);
    }
    const small = await createUseEmbedder({ inline: true, maxChars: 10 });
    await expect(small.embed(['short', 'a bit too long'])).rejects.toMatchObject({ code: 'input_too_large', field: 'texts[1]' });
  });

  it('sheds load with QueueFullError when the bounded queue is full', async () => {
    const e = await createUseEmbedder({ queueCapacity: 0 });
    try {
      const texts = PARAPHRASE_ROWS.map((r) => r.anchor);
      const first = e.embed(texts);
      await expect(e.embed(['one more'])).rejects.toBeInstanceOf(QueueFullError);
      expect(await first).toHaveLength(texts.length);
    } finally {
      await e.close?.();
    }
  });

  it('keeps a plain script alive until the worker answers (idle pool threads are unref’d)', async () => {
    const root = path.resolve(__dirname, '../../../../..');
    const script = `require(${JSON.stringify(path.join(__dirname, 'use-embedder'))}).createUseEmbedder().then((e) => e.embed(['hello'])).then((v) => console.log('dims ' + v[0].length))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: root, timeout: 30_000, env: { ...process.env, FORCE_COLOR: '0' } });
    expect(stdout.trim()).toBe('dims 512');
  });
});
