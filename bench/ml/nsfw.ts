/**
 * NSFW bench (nsfwjs MobileNetV2 on the TF.js WASM backend): ms per image in a worker thread
 * (the default) against inline on the main thread, timed alternately in the same process, plus
 * how long the event loop stalls in each mode (the reason for the worker).
 *
 *   node -r @swc-node/register bench/ml/nsfw.ts [imageDir]
 */
import { cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createNsfwjs } from '@frontier/ml-vision';
import { syntheticImages } from '@frontier/ml-vision/testing';
import { median, readImageDir, round, timePair } from './vision/harness';

const REPS = Number(process.env['BENCH_REPS'] ?? 5);

/** Max event-loop delay (ms) while `fn` runs. */
async function loopStall(fn: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await fn();
  h.disable();
  return h.max / 1e6;
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const images = dir ? readImageDir(dir) : await syntheticImages();
  const worker = await createNsfwjs();
  const inline = await createNsfwjs({ inline: true });

  const rows: Record<string, Record<string, number | string>> = {};
  const wAll: number[] = [];
  const iAll: number[] = [];
  for (const [name, bytes] of images) {
    const [w, i] = await timePair(REPS, () => worker.classify(bytes), () => inline.classify(bytes));
    wAll.push(...w);
    iAll.push(...i);
    const scores = await worker.classify(bytes);
    const top = Object.entries(scores).sort((a, b) => b[1] - a[1])[0]!;
    rows[name] = { workerMs: round(median(w), 1), inlineMs: round(median(i), 1), top: `${top[0]} ${round(top[1], 3)}` };
  }
  const all = images.map(([, b]) => b);
  const stallWorker = await loopStall(async () => {
    for (const b of all) await worker.classify(b);
  });
  const stallInline = await loopStall(async () => {
    for (const b of all) await inline.classify(b);
  });
  await Promise.all([worker.close(), inline.close()]);

  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), node ${process.version}, ${REPS} reps per image, medians`);
  console.table(rows);
  console.table({ 'max event-loop stall, ms': { worker: round(stallWorker, 1), inline: round(stallInline, 1) } });
  const wm = median(wAll);
  const im = median(iAll);
  console.log(
    JSON.stringify({
      bench: 'nsfw',
      cores: cpus().length,
      images: images.length,
      msPerImageWorker: round(wm, 1),
      msPerImageInline: round(im, 1),
      workerOverInline: round(wm / im),
      maxLoopStallWorkerMs: round(stallWorker, 1),
      maxLoopStallInlineMs: round(stallInline, 1),
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
