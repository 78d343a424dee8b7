import { MlInputError } from '@frontier/ml-ports';
import { MicroBatcher } from './batcher';

describe('MicroBatcher: cross-request batching', () => {
  it('items submitted within the window go to the model together; each caller gets its own result', async () => {
    const calls: number[][] = [];
    const b = new MicroBatcher<number, number>(async (xs) => (calls.push(xs), xs.map((x) => x * 10)), { windowMs: 20, maxBatch: 8 });
    const out = await Promise.all([b.submit(1), b.submit(2), b.submit(3)]);
    expect(out).toEqual([10, 20, 30]);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(b.stats).toEqual({ batches: 1, items: 3, largest: 3 });
  });

  it('a full batch goes at once; items arriving while a batch runs form the next one', async () => {
    const calls: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const b = new MicroBatcher<number, number>(
      async (xs) => {
        calls.push(xs);
        if (calls.length === 1) await gate;
        return xs;
      },
      { windowMs: 1_000, maxBatch: 2 },
    );
    const first = [b.submit(1), b.submit(2)]; // full: runs without waiting for the window
    await new Promise((r) => setTimeout(r, 5));
    expect(calls).toEqual([[1, 2]]);
    const next = [b.submit(3), b.submit(4), b.submit(5)];
    release();
    await Promise.all([...first, ...next]);
    expect(calls).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('a bad item named by the model fails alone; the rest of its batch is retried', async () => {
    const b = new MicroBatcher<string, string>(
      async (xs) => {
        const bad = xs.indexOf('bad');
        if (bad >= 0) throw new MlInputError('corrupt_media', `images[${bad}]`, 'truncated');
        return xs.map((x) => x.toUpperCase());
      },
      { windowMs: 5, maxBatch: 8 },
      (e) => (e instanceof MlInputError ? Number(/\d+/.exec(e.field)?.[0]) : undefined),
    );
    const [a, bad, c] = await Promise.allSettled([b.submit('a'), b.submit('bad'), b.submit('c')]);
    expect(a).toEqual({ status: 'fulfilled', value: 'A' });
    expect(bad.status).toBe('rejected');
    expect(c).toEqual({ status: 'fulfilled', value: 'C' });
  });
});
