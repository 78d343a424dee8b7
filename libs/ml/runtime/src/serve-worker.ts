import { parentPort } from 'node:worker_threads';
import type { WireError } from './worker-pool';

/** Worker-side half of {@link WorkerPool}: answers each request with `handler`'s result or error. */
export function serveWorker<Req, Res>(handler: (request: Req) => Promise<Res>, transferOf?: (res: Res) => ArrayBuffer[]): void {
  if (!parentPort) throw new Error('serveWorker must run inside a worker thread');
  const port = parentPort;
  port.on('message', async (m: { id: number; request: Req }) => {
    try {
      const value = await handler(m.request);
      port.postMessage({ id: m.id, ok: true, value }, transferOf ? transferOf(value) : []);
    } catch (e) {
      const err = e as Error & Record<string, unknown>;
      const fields: Record<string, unknown> = {};
      for (const k of Object.keys(err)) if (k !== 'name' && k !== 'message' && k !== 'stack') fields[k] = err[k];
      const wire: WireError = { name: err.name ?? 'Error', message: err.message ?? String(e), fields };
      port.postMessage({ id: m.id, ok: false, error: wire });
    }
  });
}
