/** Worker thread running nsfwjs (TF.js blocks its thread for the whole inference). */
import { workerData } from 'node:worker_threads';
import type { ClassScores } from '@frontier/ml-ports';
import { serveWorker } from '@frontier/ml-runtime';
import { loadNsfwjs, type NsfwjsModelName } from './nsfwjs-model';

export type NsfwWorkerRequest = { kind: 'ready' } | { kind: 'classify'; pixels: Uint8Array };

const model = loadNsfwjs((workerData as { model: NsfwjsModelName }).model);
// an unhandled rejection would kill the thread; the error is reported on the first request
model.catch(() => undefined);

serveWorker<NsfwWorkerRequest, ClassScores | null>(async (req) => {
  const m = await model;
  return req.kind === 'ready' ? null : m.classify(req.pixels);
});
