import { MlInputError, QueueFullError } from '@frontier/ml-ports';
import { syntheticImages } from '../__fixtures__/synthetic-images';
import { createNsfwjs, type NsfwjsClassifier } from './nsfwjs';

const CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

describe('createNsfwjs (nsfwjs MobileNetV2 bundled, TF.js WASM backend)', () => {
  let images: Array<[string, Buffer]>;
  let worker: NsfwjsClassifier;
  beforeAll(async () => {
    images = await syntheticImages();
    worker = await createNsfwjs({ queueCapacity: 2 });
  }, 60_000);
  afterAll(() => worker?.close());

  it('scores decoded images (JPEG, WebP, PNG, GIF) in a worker thread: all five classes, summing to 1', async () => {
    expect(worker.classes).toEqual(CLASSES);
    expect([worker.modelId, worker.adapter]).toEqual(['nsfwjs-MobileNetV2', 'tfjs-wasm-nsfwjs']);
    for (const [name, bytes] of images) {
      const scores = await worker.classify(bytes);
      expect([name, Object.keys(scores).sort()]).toEqual([name, CLASSES]);
      for (const v of Object.values(scores)) expect(v >= 0 && v <= 1).toBe(true);
      expect(Math.abs(Object.values(scores).reduce((a, v) => a + v, 0) - 1)).toBeLessThan(1e-3);
    }
  });

  it('gives the same scores inline as in the worker', async () => {
    const inline = await createNsfwjs({ inline: true });
    const [, bytes] = images[0]!;
    const a = await inline.classify(bytes);
    const b = await worker.classify(bytes);
    for (const c of CLASSES) expect(a[c]).toBeCloseTo(b[c]!, 5);
    await inline.close();
  }, 60_000);

  it('classifyBatch scores several images in one forward pass, as one by one (worker and inline)', async () => {
    const bytes = images.map(([, b]) => b);
    const batch = await worker.classifyBatch(bytes);
    expect(batch).toHaveLength(bytes.length);
    for (const [i, b] of bytes.entries()) {
      const one = await worker.classify(b);
      for (const c of CLASSES) expect(batch[i]![c]).toBeCloseTo(one[c]!, 4);
    }
    expect(await worker.classifyBatch([])).toEqual([]);
    const inline = await createNsfwjs({ inline: true });
    const inlineBatch = await inline.classifyBatch(bytes.slice(0, 2));
    for (const c of CLASSES) expect(inlineBatch[1]![c]).toBeCloseTo(batch[1]![c]!, 4);
    await inline.close();
  }, 60_000);

  it('classifyBatch names the image that does not decode (images[i])', async () => {
    const png = images.find(([n]) => n === 'screenshot.png')![1];
    const e = await worker.classifyBatch([png, png.subarray(0, png.length / 2)]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MlInputError);
    expect((e as MlInputError).field).toBe('images[1]');
  });

  it('turns corrupt, truncated and non-image bytes into MlInputError without hurting the worker', async () => {
    const png = images.find(([n]) => n === 'screenshot.png')![1];
    for (const bad of [png.subarray(0, png.length / 2), Buffer.from('<html>not an image</html>'), new Uint8Array(0), png.subarray(0, 40)]) {
      const e = await worker.classify(bad).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(MlInputError);
      expect((e as MlInputError).field).toBe('image');
    }
    expect(Object.keys(await worker.classify(png))).toHaveLength(5);
  });

  it('sheds load beyond the queue capacity with QueueFullError', async () => {
    const [, bytes] = images[2]!;
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => worker.classify(bytes)));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(3);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(QueueFullError);
  });
});
