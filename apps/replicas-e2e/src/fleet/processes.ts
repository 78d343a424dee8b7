/**
 * The apps as real child processes (TypeScript through @swc-node/register, as `npm run start:<app>`
 * starts them), on the host or inside a network namespace (`ip netns exec`), each logging to its own
 * file. An app ends when the suite's process does (parent-watch.cjs, preloaded), and `killAll()`
 * ends every one still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '@frontier/platform-testing';

export const WORKSPACE = resolve(__dirname, '../../../..');
const PARENT_WATCH = join(__dirname, 'parent-watch.cjs');

export type HttpAppName = 'memory-api' | 'recsys-api' | 'chat-gateway';
export type WorkerName = 'memory-worker' | 'recsys-worker' | 'multimodal-worker';

export interface Proc {
  /** e.g. `memory-api#B`. */
  readonly name: string;
  readonly log: string;
  readonly alive: boolean;
  /** Milliseconds from spawn to ready (set once it is). */
  readyMs?: number;
  /** SIGTERM (graceful drain), SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface HttpProc extends Proc {
  /** http://<address>:<port> */
  readonly base: string;
  readonly port: number;
  readonly address: string;
}

export interface Placement {
  /** Run inside this network namespace (`ip netns exec`); default the host's. */
  netns?: string;
  /** The address the app listens on and the suite reaches it at; default 127.0.0.1. */
  address?: string;
}

const running = new Set<Proc>();

/** Nine apps boot at once on a couple of cores (models load, TypeScript compiles on the first run): minutes, not seconds, on a busy machine. */
const START_TIMEOUT_MS = 300_000;

/** SIGKILLs every app still running (one still booting included). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop(0)));
}

export function logTail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function launch(name: string, app: string, env: Record<string, string>, logDir: string, where: Placement): { proc: Proc; child: ChildProcess } {
  const log = join(logDir, `${name.replace('#', '-')}.log`);
  const fd = openSync(log, 'a');
  const node = [process.execPath, '-r', PARENT_WATCH, '-r', '@swc-node/register', `apps/${app}/src/main.ts`];
  const [cmd, ...args] = where.netns ? ['ip', 'netns', 'exec', where.netns, ...node] : node;
  const child = spawn(cmd as string, args, { cwd: WORKSPACE, env: { ...process.env, TZ: 'UTC', ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const gone = new Promise<void>((res) => child.once('exit', () => res()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const proc: Proc = {
    name,
    log,
    get alive() {
      return alive();
    },
    async stop(graceMs = 15_000) {
      if (alive()) {
        child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
        const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await gone;
        clearTimeout(t);
      }
    },
  };
  running.add(proc);
  void gone.then(() => running.delete(proc));
  return { proc, child };
}

async function waitUntil(proc: Proc, what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  const deadline = t0 + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.alive) throw new Error(`${proc.name} exited before ${what}; ${proc.log}:\n${logTail(proc.log)}`);
    if (await probe().catch(() => false)) {
      proc.readyMs = Date.now() - t0;
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${proc.name}: no ${what} within ${timeoutMs} ms; ${proc.log}:\n${logTail(proc.log)}`);
}

/** Starts an API replica on a free port and waits until its /readyz answers 200. */
export async function startHttpApp(app: HttpAppName, replica: string, env: Record<string, string>, logDir: string, where: Placement = {}, timeoutMs = START_TIMEOUT_MS): Promise<HttpProc> {
  const address = where.address ?? '127.0.0.1';
  const port = await freePort();
  const base = `http://${address}:${port}`;
  const { proc } = launch(`${app}#${replica}`, app, { ...env, PORT: String(port), HOST: address }, logDir, where);
  await waitUntil(proc, 'GET /readyz 200', async () => (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3_000) })).status === 200, timeoutMs);
  return Object.assign(proc, { base, port, address });
}

/** Starts a worker and waits until it logs that it consumes its queues. */
export async function startWorker(app: WorkerName, env: Record<string, string>, logDir: string, timeoutMs = START_TIMEOUT_MS): Promise<Proc> {
  const { proc } = launch(app, app, env, logDir, {});
  await waitUntil(proc, '"consuming" in its log', async () => readFileSync(proc.log, 'utf8').includes('consuming '), timeoutMs);
  return proc;
}
