/**
 * Embeddings bench: Universal Sentence Encoder lite (TF.js WASM, 512-d) sentences per second at
 * batch 1 and batch 32 (ratio batch 32 / batch 1), inline on the main thread and in a worker
 * thread (ratio worker / inline, plus the longest event-loop stall while a batch runs), and the
 * LRU cache's hit speed-up over the uncached model on the same batch. Medians over interleaved
 * runs; the paraphrase-set margin is recomputed so the doc's quality figure comes from the same run.
 *
 *   node -r @swc-node/register bench/ml/embeddings.ts [sentences.txt] [runs=7]
 *
 * sentences.txt: one sentence per line (default: the 90 sentences of the labelled paraphrase set).
 */
import { readFileSync } from 'node:fs';
import type { TextEmbedder } from '@frontier/ml-ports';
import { cosine } from '@frontier/platform-util';
import { createUseEmbedder, withEmbeddingCache } from '@frontier/ml-embeddings';
import { PARAPHRASE_ROWS, scorePairs } from '@frontier/ml-embeddings/testing';
import { median, printHeadline, round } from '../lib/harness';

const SENTENCES_PER_RUN = 64;
const RUNS = Number(process.argv[3] ?? 9);

function sentencesFromArgs(): { sentences: string[]; source: string } {
  const file = process.argv[2];
  if (file && file !== '-') {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    if (lines.length === 0) throw new Error(`${file} has no sentences`);
    return { sentences: lines, source: file };
  }
  return { sentences: PARAPHRASE_ROWS.flatMap((r) => [r.anchor, r.paraphrase, r.unrelated]), source: 'paraphrase set (90 sentences)' };
}

/** ms for `texts` embedded in calls of `batch` texts, one call at a time. */
async function timeBatches(e: TextEmbedder, texts: string[], batch: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i += batch) await e.embed(texts.slice(i, i + batch));
  return performance.now() - t0;
}

/** Longest gap (ms) between ticks of a 1 ms timer while `fn` runs: how long the event loop was blocked. */
async function maxStallMs(fn: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let max = 0;
  const tick = () => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  };
  const timer = setInterval(tick, 1);
  await fn();
  // one more tick after the call, so a stall that lasted until the end is counted
  await new Promise((r) => setTimeout(r, 2));
  clearInterval(timer);
  return max;
}

async function main(): Promise<void> {
  const { sentences, source } = sentencesFromArgs();
  const texts = Array.from({ length: SENTENCES_PER_RUN }, (_, i) => sentences[i % sentences.length]);
  const batch32 = texts.slice(0, 32);
  const [inline, worker] = await Promise.all([createUseEmbedder({ inline: true }), createUseEmbedder({ inline: false })]);
  const cached = withEmbeddingCache(inline, { maxEntries: 10_000 });

  // warm-up: first calls compile WASM kernels and grow tensors
  for (const e of [inline, worker]) {
    await timeBatches(e, texts, 32);
    await timeBatches(e, texts.slice(0, 8), 1);
  }

  const ms: Record<string, number[]> = { inlineB1: [], inlineB32: [], workerB1: [], workerB32: [], uncached32: [], cached32: [], stallInline: [], stallWorker: [] };
  for (let r = 0; r < RUNS; r++) {
    ms.inlineB1.push(await timeBatches(inline, texts, 1));
    ms.inlineB32.push(await timeBatches(inline, texts, 32));
    ms.workerB1.push(await timeBatches(worker, texts, 1));
    ms.workerB32.push(await timeBatches(worker, texts, 32));
    cached.clear();
    let t0 = performance.now();
    await cached.embed(batch32);
    ms.uncached32.push(performance.now() - t0);
    t0 = performance.now();
    await cached.embed(batch32);
    ms.cached32.push(performance.now() - t0);
    ms.stallInline.push(await maxStallMs(() => inline.embed(batch32)));
    ms.stallWorker.push(await maxStallMs(() => worker.embed(batch32)));
  }
  const med = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)])) as Record<keyof typeof ms, number>;
  const perSec = (totalMs: number) => (SENTENCES_PER_RUN * 1000) / totalMs;
  // ratios are medians of per-run ratios: both sides of a ratio ran back to back, so load from
  // other processes on this shared 2-core machine cancels out better than in a ratio of medians
  const ratio = (num: number[], den: number[]) => median(num.map((x, i) => x / den[i]));

  // quality on the labelled set, from the same model
  const rows = PARAPHRASE_ROWS;
  const [a, p, u] = await Promise.all([inline.embed(rows.map((x) => x.anchor)), inline.embed(rows.map((x) => x.paraphrase)), inline.embed(rows.map((x) => x.unrelated))]);
  const quality = scorePairs(
    a.map((v, i) => cosine(v, p[i])),
    a.map((v, i) => cosine(v, u[i])),
  );

  const figures = {
    source,
    runs: RUNS,
    sentencesPerRun: SENTENCES_PER_RUN,
    inlineB1PerSec: round(perSec(med.inlineB1), 1),
    inlineB32PerSec: round(perSec(med.inlineB32), 1),
    batch32OverBatch1: round(ratio(ms.inlineB1, ms.inlineB32), 2),
    workerBatch32OverBatch1: round(ratio(ms.workerB1, ms.workerB32), 2),
    workerB1PerSec: round(perSec(med.workerB1), 1),
    workerB32PerSec: round(perSec(med.workerB32), 1),
    workerOverInlineTimeB1: round(ratio(ms.workerB1, ms.inlineB1), 3),
    workerOverInlineTimeB32: round(ratio(ms.workerB32, ms.inlineB32), 3),
    workerOverheadMsPerCallB1: round(median(ms.workerB1.map((w, i) => (w - ms.inlineB1[i]) / SENTENCES_PER_RUN)), 3),
    maxEventLoopStallMsInline: round(med.stallInline, 1),
    maxEventLoopStallMsWorker: round(med.stallWorker, 1),
    uncachedBatch32Ms: round(med.uncached32, 2),
    cachedBatch32Ms: round(med.cached32, 3),
    cacheHitSpeedup: round(ratio(ms.uncached32, ms.cached32), 1),
    paraphraseMargin: round(quality.margin, 4),
    paraphraseMean: round(quality.paraphraseMean, 4),
    unrelatedMean: round(quality.unrelatedMean, 4),
    tripletAccuracy: round(quality.tripletAccuracy, 4),
    pairwiseAccuracy: round(quality.pairwiseAccuracy, 4),
    labelledPairs: quality.pairs,
  };
  console.log(`USE-lite 512-d on ${source}; medians of ${RUNS} runs of ${SENTENCES_PER_RUN} sentences`);
  console.log(`  inline  batch 1 : ${figures.inlineB1PerSec} sentences/s   batch 32: ${figures.inlineB32PerSec} sentences/s   (×${figures.batch32OverBatch1})`);
  console.log(`  worker  batch 1 : ${figures.workerB1PerSec} sentences/s   batch 32: ${figures.workerB32PerSec} sentences/s   (×${figures.workerBatch32OverBatch1})`);
  console.log(`  worker / inline time: batch 1 ×${figures.workerOverInlineTimeB1}, batch 32 ×${figures.workerOverInlineTimeB32}; +${figures.workerOverheadMsPerCallB1} ms per single call`);
  console.log(`  longest event-loop stall during a batch of 32: inline ${figures.maxEventLoopStallMsInline} ms, worker ${figures.maxEventLoopStallMsWorker} ms`);
  console.log(`  cache: uncached batch 32 ${figures.uncachedBatch32Ms} ms, all hits ${figures.cachedBatch32Ms} ms (×${figures.cacheHitSpeedup})`);
  console.log(`  paraphrase set (${quality.pairs} pairs): mean cos ${figures.paraphraseMean} vs ${figures.unrelatedMean}, margin ${figures.paraphraseMargin}, triplet acc ${figures.tripletAccuracy}, pairwise acc ${figures.pairwiseAccuracy}`);
  await Promise.all([inline.close?.(), worker.close?.()]);
  printHeadline('ml-embeddings', figures);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
