import { MlInputError, type TextEmbedder } from '@frontier/ml-ports';
import { withMicroBatching } from './batching';
import { validateTexts } from './validate';

/** A deterministic fake model (its vector encodes the text), slow enough for calls to pile up, with a log of its calls. */
function fakeModel(o: { ms?: number; modelId?: string } = {}): TextEmbedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    modelId: o.modelId ?? 'fake',
    adapter: 'fake',
    dimension: 2,
    calls,
    async embed(texts) {
      validateTexts(texts);
      calls.push([...texts]);
      texts.forEach((t, i) => {
        if (t.includes('BAD')) throw new MlInputError('empty_input', `texts[${i}]`, 'has no tokens the model can read');
      });
      await new Promise((r) => setTimeout(r, o.ms ?? 20));
      return texts.map((t) => Float32Array.from([t.length, t.charCodeAt(0)]));
    },
  };
}

describe('withMicroBatching (mocked model: a fake encoder whose vector encodes the text)', () => {
  it('sends a lone call at once, then merges the calls that arrived while the model was busy; each caller gets its own vectors in its order', async () => {
    const model = fakeModel();
    const batched = withMicroBatching(model, { maxBatch: 32 });
    expect([batched.modelId, batched.dimension]).toEqual(['fake', 2]);
    const callers = [['a'], ['bb', 'ccc'], ['dddd'], ['eeeee', 'f', 'gg']];
    const out = await Promise.all(callers.map((texts) => batched.embed(texts)));
    out.forEach((vectors, i) => expect(vectors.map((v) => Array.from(v))).toEqual((callers[i] as string[]).map((t) => [t.length, t.charCodeAt(0)])));
    // the first went alone; the other three waited and went together
    expect(model.calls).toEqual([['a'], ['bb', 'ccc', 'dddd', 'eeeee', 'f', 'gg']]);
    expect(batched.batches()).toEqual({ calls: 2, texts: 7 });
  });

  it('never puts more than maxBatch texts in one call, and keeps `lanes` calls in flight', async () => {
    const model = fakeModel();
    const batched = withMicroBatching(model, { maxBatch: 3, lanes: 2 });
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => batched.embed([`q${i}`])));
    expect(out.map((v) => Array.from(v[0] as Float32Array))).toEqual(Array.from({ length: 10 }, (_, i) => [`q${i}`.length, 'q'.charCodeAt(0)]));
    expect(model.calls[0]).toEqual(['q0']);
    expect(model.calls[1]).toEqual(['q1']);
    expect(Math.max(...model.calls.map((c) => c.length))).toBeLessThanOrEqual(3);
    expect(model.calls.flat().sort()).toEqual(Array.from({ length: 10 }, (_, i) => `q${i}`).sort());
  });

  it('fails only the caller whose text broke a merged call, with its own field index', async () => {
    const model = fakeModel();
    const batched = withMicroBatching(model);
    const first = batched.embed(['warm']);
    const [good, bad, other] = await Promise.allSettled([batched.embed(['fine']), batched.embed(['ok', 'BAD text']), batched.embed(['also fine'])]);
    await first;
    expect(good.status).toBe('fulfilled');
    expect(other.status).toBe('fulfilled');
    expect(bad).toMatchObject({ status: 'rejected', reason: { name: 'MlInputError', field: 'texts[1]' } });
  });
});
