import { workerData } from 'node:worker_threads';
import { serveWorker } from '@frontier/ml-runtime';
import { UseModelRunner } from './use-model';

/** Requests the USE worker answers: `load` warms the model, `embed` runs one batch. */
export type UseWorkerRequest = { op: 'load' } | { op: 'embed'; texts: string[]; offset: number };

const { modelId } = (workerData ?? {}) as { modelId?: string };
// loaded once per worker, on the first request (the pool sends `load` at start-up)
let runner: Promise<UseModelRunner> | undefined;

serveWorker<UseWorkerRequest, Float32Array>(
  async (req) => {
    runner ??= UseModelRunner.load(modelId);
    const model = await runner;
    if (req.op === 'load') return new Float32Array(0);
    return model.embedFlat(req.texts, req.offset);
  },
  (flat) => [flat.buffer as ArrayBuffer],
);
