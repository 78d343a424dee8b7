import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { MlInputError, ModelUnavailableError } from '@frontier/ml-ports';
import { buildTinyClassifier } from '../__fixtures__/tiny-classifier-onnx';
import { createOnnxImageClassifier, softmax } from './onnx-classifier';

const LABELS = ['drawing', 'neutral', 'nsfw', 'sexy'];
const MEAN: [number, number, number] = [0.485, 0.456, 0.406];
const STD: [number, number, number] = [0.229, 0.224, 0.225];

function modelDir(softmaxInGraph: boolean, extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'onnx-cls-'));
  const model = buildTinyClassifier(LABELS.length, 32, softmaxInGraph);
  writeFileSync(path.join(dir, 'model.onnx'), model.bytes);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ id2label: Object.fromEntries(LABELS.map((l, i) => [String(i), l])), ...extra }));
  writeFileSync(path.join(dir, 'preprocessor_config.json'), JSON.stringify({ size: { height: 32, width: 32 }, image_mean: MEAN, image_std: STD }));
  return { dir, model };
}

/** What the model must output for a solid colour: every channel's mean is that colour, normalised. */
function expected(rgb: [number, number, number], w: Float32Array, b: Float32Array): number[] {
  const x = rgb.map((v, c) => (v / 255 - MEAN[c]!) / STD[c]!);
  const logits = LABELS.map((_, k) => b[k]! + x.reduce((s, xc, c) => s + xc * w[c * LABELS.length + k]!, 0));
  return softmax(logits);
}

const solid = (r: number, g: number, bl: number, w = 300, h = 200) => sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b: bl } } }).jpeg({ quality: 100 }).toBuffer();

describe('createOnnxImageClassifier (hand-written tiny ONNX model)', () => {
  it.each([
    ['softmax in the graph', true],
    ['logits out, softmax in the adapter', false],
  ])('decodes, resizes, normalises (config mean/std) and names scores by id2label: %s', async (_, inGraph) => {
    const { dir, model } = modelDir(inGraph as boolean);
    const clf = await createOnnxImageClassifier({ dir });
    try {
      expect(clf.classes).toEqual(LABELS);
      expect(clf.modelId).toMatch(/^onnx:onnx-cls-/);
      for (const rgb of [
        [250, 20, 30],
        [10, 200, 90],
        [40, 60, 240],
      ] as Array<[number, number, number]>) {
        const jpeg = await solid(...rgb);
        const scores = await clf.classify(jpeg);
        // the colour as decoded: JPEG may move a channel by a level (60 → 61), which the random
        // weights can amplify past the tolerance; the check is the adapter's pipeline, not JPEG
        const decoded = (await sharp(jpeg).stats()).channels.slice(0, 3).map((c) => c.mean) as [number, number, number];
        const want = expected(decoded, model.weights, model.bias);
        expect(Object.keys(scores)).toEqual(LABELS);
        LABELS.forEach((l, i) => expect(scores[l]).toBeCloseTo(want[i]!, 2));
        expect(Object.values(scores).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
      }
    } finally {
      await clf.close();
    }
  });

  it('gives typed errors for corrupt images and broken model dirs', async () => {
    const { dir } = modelDir(true);
    const clf = await createOnnxImageClassifier({ dir });
    const png = await sharp(await solid(1, 2, 3)).png().toBuffer();
    const err = await clf.classify(png.subarray(0, png.length - 30)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MlInputError);
    expect((err as MlInputError).field).toBe('image');
    await clf.close();

    await expect(createOnnxImageClassifier({ dir: path.join(dir, 'missing') })).rejects.toBeInstanceOf(ModelUnavailableError);
    writeFileSync(path.join(dir, 'model.onnx'), Buffer.from('not a model'));
    await expect(createOnnxImageClassifier({ dir })).rejects.toThrow(/cannot load/);
    const wrong = modelDir(true, { id2label: { 0: 'a', 1: 'b' } });
    const clf2 = await createOnnxImageClassifier({ dir: wrong.dir });
    await expect(clf2.classify(await solid(1, 2, 3))).rejects.toThrow(/4 values, config.json names 2 labels/);
    await clf2.close();
  });
});
