/** Worker thread running nsfwjs (TF.js blocks its thread for the whole inference). */
import { workerData } from 'node:worker_threads';
import type { ClassScores } from '@frontier/ml-ports';
import { serveWorker } from '@frontier/ml-runtime';
import { loadNsfwjs, type NsfwjsModelName } from './nsfwjs-model';

export type NsfwWorkerRequest = { kind: 'ready' } | { kind: 'classify'; pixels: Uint8Array } | { kind: 'classifyBatch'; pixels: Uint8Array; n: number };

const model = loadNsfwjs((workerData as { model: NsfwjsModelName }).model);
// an unhandled rejection would kill the thread; the error is reported on the first request
model.catch(() => undefined);

serveWorker<NsfwWorkerRequest, ClassScores | ClassScores[] | null>(async (req) => {
  const m = await model;
  if (req.kind === 'ready') return null;
  return req.kind === 'classifyBatch' ? m.classifyBatch(req.pixels, req.n) : m.classify(req.pixels);
});
