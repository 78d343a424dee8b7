import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ModelRole } from '@frontier/ml-ports';
import { BoundedQueue } from './bounded-queue';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface WorkerPoolOptions {
  role: ModelRole;
  /** Path of the worker module without extension; `.js` is used when built, `.ts` from source. */
  script: string;
  /** Passed to every worker as `workerData` (e.g. model paths). */
  workerData?: unknown;
  size?: number;
  /** Requests waiting for a free worker before QueueFullError. */
  capacity?: number;
}

/** Serialised error crossing the thread boundary; `name` picks the class to rebuild. */
export interface WireError {
  name: string;
  message: string;
  fields?: Record<string, unknown>;
}

/**
 * A fixed pool of worker threads, for inference that would otherwise block the event loop
 * (TF.js models run on the JS thread). Requests beyond the pool wait in a bounded queue.
 * The worker script answers with `serveWorker(handler)`.
 */
export class WorkerPool<Req, Res> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: BoundedQueue;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly options: WorkerPoolOptions,
    private readonly rebuildError: (e: WireError) => Error = (e) => Object.assign(new Error(e.message), { name: e.name }),
  ) {
    const size = options.size ?? 1;
    this.queue = new BoundedQueue(options.role, size, options.capacity ?? 64);
    const js = `${options.script}.js`;
    const file = existsSync(js) ? js : `${options.script}.ts`;
    for (let i = 0; i < size; i++) {
      const w = new Worker(file, {
        workerData: options.workerData,
        // from TypeScript sources (dev, tests) the worker compiles itself with SWC
        execArgv: file.endsWith('.ts') ? ['-r', '@swc-node/register'] : [],
      });
      w.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: WireError }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(this.rebuildError(m.error ?? { name: 'Error', message: 'worker failed' }));
      });
      w.on('error', (e) => {
        for (const [, p] of this.pending) p.reject(e);
        this.pending.clear();
      });
      // idle workers must not keep the process alive; a worker with a request in flight must
      w.unref();
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  async call(request: Req, transfer: ArrayBuffer[] = []): Promise<Res> {
    return this.queue.run(async () => {
      const worker = this.idle.pop();
      // the queue admits at most `size` tasks, so a worker is always free here
      if (!worker) throw new Error('worker pool invariant broken: no idle worker');
      const id = this.nextId++;
      worker.ref();
      try {
        return await new Promise<Res>((resolve, reject) => {
          this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
          worker.postMessage({ id, request }, transfer);
        });
      } finally {
        worker.unref();
        this.idle.push(worker);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.idle.length = 0;
  }
}
