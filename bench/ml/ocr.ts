/**
 * OCR bench (PP-OCRv4 ONNX on onnxruntime-node, CPU): ms per single-line image, ms per 1024×1024
 * screenshot with 30 lines (and per line within it), and batched recognition (8 crops per run,
 * sorted by width) against the default of one crop per run, timed alternately in the same process.
 *
 *   node -r @swc-node/register bench/ml/ocr.ts [screenshotDir]
 *
 * With a directory, its images are timed as the screenshots instead of the generated page.
 */
import { cpus } from 'node:os';
import sharp from 'sharp';
import { createPaddleOcr } from '@frontier/ml-vision';
import { editDistance, renderLine, renderPage, TEST_LINES } from '@frontier/ml-vision/testing';
import { median, readImageDir, round, timePair, timeRuns } from './vision/harness';

const PAGE = TEST_LINES.map(([t]) => t).concat(['Line twenty five is here', 'Twenty six: all done', 'Item 27 of 30', 'Row 28 (almost there)', 'Line 29 near the end', 'Last line, number 30.']);
const REPS = Number(process.env['BENCH_REPS'] ?? 5);

async function main(): Promise<void> {
  const dir = process.argv[2];
  const batched = await createPaddleOcr({ recBatchSize: 8 });
  const single = await createPaddleOcr(); // default: one crop per recognition run

  // single-line images through the whole pipeline (detection + recognition)
  const lines = await Promise.all(TEST_LINES.map(([t, s]) => renderLine(t, s)));
  const perLine: number[] = [];
  let edits = 0;
  let chars = 0;
  for (const [i, png] of lines.entries()) {
    perLine.push(median(await timeRuns(REPS, () => single.recognize(png))));
    const read = (await single.recognize(png)).lines.map((l) => l.text).join(' ');
    edits += editDistance(read, TEST_LINES[i]![0]);
    chars += TEST_LINES[i]![0].length;
  }

  // screenshots: the generated 1024² page with 30 lines, or the given images
  const pages: Array<[string, Buffer]> = dir ? readImageDir(dir) : [['page-1024-30-lines.png', await renderPage(PAGE, 1024, 1024, { font: 'DejaVu Sans', size: 20 }, 32)]];
  const pageRows = [];
  for (const [name, bytes] of pages) {
    const meta = await sharp(bytes).metadata();
    const found = (await single.recognize(bytes)).lines.length;
    const [b, s] = await timePair(REPS, () => batched.recognize(bytes), () => single.recognize(bytes));
    const tBatched = median(b);
    const tSingle = median(s);
    pageRows.push({ name, size: `${meta.width}x${meta.height}`, lines: found, ms: round(tSingle, 1), msBatch8: round(tBatched, 1), msPerLine: round(tSingle / Math.max(1, found), 1) });
  }

  // recognition alone on 30 line crops: batch of 8 vs one per run
  const crops = await Promise.all(
    PAGE.map(async (t) => {
      const png = await renderLine(t, { font: 'DejaVu Sans', size: 24 });
      return sharp(await sharp(png).trim().toBuffer()).extend({ top: 8, bottom: 8, left: 8, right: 8, background: '#fff' }).png().toBuffer();
    }),
  );
  const [rb, rs] = await timePair(REPS, () => batched.recognizeLines(crops), () => single.recognizeLines(crops));
  const recBatched = median(rb);
  const recSingle = median(rs);

  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), node ${process.version}, ${REPS} reps, medians`);
  console.table({
    'single-line image (det+rec), ms': { median: round(median(perLine), 1), min: round(Math.min(...perLine), 1), max: round(Math.max(...perLine), 1) },
  });
  console.table(pageRows);
  console.table({ 'rec only, 30 crops': { batch8Ms: round(recBatched, 1), batch1Ms: round(recSingle, 1), speedup: round(recSingle / recBatched) } });
  const page = pageRows[0]!;
  await Promise.all([batched.close(), single.close()]);
  console.log(
    JSON.stringify({
      bench: 'ocr',
      cores: cpus().length,
      msPerLineImage: round(median(perLine), 1),
      charAccuracy: round(1 - edits / chars, 4),
      screenshot: page.name,
      screenshotLines: page.lines,
      msPerScreenshot: page.ms,
      msPerLineInScreenshot: page.msPerLine,
      msPerScreenshotBatch8: page.msBatch8,
      screenshotBatch8Speedup: round(page.ms / page.msBatch8),
      recOnly30CropsBatch1Ms: round(recSingle, 1),
      recOnly30CropsBatch8Ms: round(recBatched, 1),
      recBatch8Speedup: round(recSingle / recBatched),
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
