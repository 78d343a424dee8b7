import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';

/**
 * memory-api on more than one core of a machine (issue 14, search throughput): `workers` HTTP
 * processes behind one listening port (node:cluster; the primary accepts and hands connections out
 * round-robin, keep-alive connections stay on their worker). Every worker is a whole memory-api —
 * its own Nest app, Prisma pool, Redis clients, embedded index and live-row cache — exactly like
 * a replica on another machine, so what holds across replicas holds here: each search checks the
 * user's sync version against Postgres, rate limits are counted in Redis, erasure reaches every
 * process through Postgres and the change bus.
 *
 * The primary runs no app. On SIGTERM/SIGINT it asks every worker to drain (each runs the
 * platform's drained shutdown: readiness 503, in-flight requests answered, Prisma/Redis closed)
 * and exits once all have: 0 when every worker exited 0. A worker that dies after it was serving
 * is replaced; one that dies before it ever listened stops the whole service (a boot failure —
 * bad config, Postgres unreachable — must not become a fork loop).
 */
export interface ClusterOptions {
  /** HTTP worker processes. */
  workers: number;
  /** Extra V8 flags for the workers (e.g. `--max-semi-space-size=32`). */
  execArgv?: string[];
  log: (message: string) => void;
  /** Test hook; default process.exit. */
  exit?: (code: number) => void;
}

/** Message a worker takes as SIGTERM (the primary never signals a worker that may already have had the group's SIGINT). */
export const SHUTDOWN_MESSAGE = 'memory-api:shutdown';

/** `MEMORY_API_WORKERS`: 0 = one per CPU core, else the number given. */
export const workerCount = (configured: number, cores = os.availableParallelism()): number => (configured === 0 ? Math.max(1, cores) : configured);

/** Runs the primary: forks the workers and supervises them until a shutdown signal. */
export function runPrimary(o: ClusterOptions): void {
  const exit = o.exit ?? ((code: number) => process.exit(code));
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...(o.execArgv ?? [])] });
  const listening = new WeakSet<Worker>();
  let stopping = false;
  let failed = false;
  const fork = () => {
    const w = cluster.fork();
    w.once('listening', () => listening.add(w));
  };
  cluster.on('exit', (w, code, signal) => {
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (stopping) {
      if (code !== 0) failed = true;
      o.log(`worker ${w.process.pid} exited (${how})`);
      if (Object.keys(cluster.workers ?? {}).length === 0) exit(failed ? 1 : 0);
      return;
    }
    if (!listening.has(w)) {
      o.log(`worker ${w.process.pid} exited before it listened (${how}): stopping`);
      stop(1);
      return;
    }
    o.log(`worker ${w.process.pid} died (${how}): starting another`);
    fork();
  });
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    if (code !== 0) failed = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    if (!alive.length) return exit(failed ? 1 : 0);
    for (const w of alive) if (w.isConnected()) w.send(SHUTDOWN_MESSAGE);
  };
  for (const s of ['SIGTERM', 'SIGINT'] as const) {
    process.on(s, () => {
      o.log(`primary: ${s} received, draining ${Object.keys(cluster.workers ?? {}).length} worker(s)`);
      stop(0);
    });
  }
  o.log(`primary ${process.pid}: starting ${o.workers} worker(s)`);
  for (let i = 0; i < o.workers; i++) fork();
}

/**
 * In a worker: the primary's shutdown message raises SIGTERM in this process (the platform's
 * drained shutdown handles it) unless a signal already started it; a lost primary (IPC closed)
 * does the same, so no worker outlives its supervisor.
 */
export function followPrimary(): void {
  let requested = false;
  const mark = () => (requested = true);
  process.on('SIGTERM', mark);
  process.on('SIGINT', mark);
  const shutdown = () => {
    if (requested) return;
    requested = true;
    process.kill(process.pid, 'SIGTERM');
  };
  process.on('message', (m) => m === SHUTDOWN_MESSAGE && shutdown());
  process.on('disconnect', shutdown);
}
