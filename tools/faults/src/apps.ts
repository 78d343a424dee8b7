/**
 * memory-api and memory-worker as real child processes (TypeScript through @swc-node/register,
 * as `npm run demo` starts them), each logging to a file. Each ends when the suite's process does
 * (orphan-guard.cjs), and `killAllApps()` ends them all.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '@frontier/platform-testing';

export const WORKSPACE = resolve(__dirname, '../../..');

const GUARD = join(__dirname, 'orphan-guard.cjs');
const running = new Map<ChildProcess, AppProcess>();

/** SIGKILLs every app this module started that still runs (one still booting included). */
export async function killAllApps(): Promise<void> {
  await Promise.all([...running.values()].map((a) => a.kill()));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface AppProcess {
  readonly name: string;
  readonly log: string;
  readonly pid: number | undefined;
  readonly alive: boolean;
  /** Resolves with the exit code (or signal) once the process is gone. */
  readonly exit: Promise<number | string>;
  /** SIGTERM; SIGKILL after `graceMs`. Resolves once it exited. */
  term(graceMs?: number): Promise<number | string>;
  /** SIGKILL. */
  kill(): Promise<number | string>;
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Production mode refuses to start without master keys: one random key per suite run, shared by its apps. */
const FAULT_MASTER_KEYS = `fault:${randomBytes(32).toString('base64')}`;

function launch(name: string, entry: string, env: Record<string, string>, log: string): AppProcess {
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, ['-r', GUARD, '-r', '@swc-node/register', entry], {
    cwd: WORKSPACE,
    env: { ...process.env, NODE_ENV: 'production', TZ: 'UTC', FRONTIER_MASTER_KEYS: FAULT_MASTER_KEYS, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exit = new Promise<number | string>((res) => child.once('exit', (code, signal) => res(code ?? signal ?? 'unknown')));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (alive()) {
      child.kill(sig);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    }
    return exit;
  };
  const app: AppProcess = {
    name,
    log,
    pid: child.pid,
    get alive() {
      return alive();
    },
    exit,
    term: (graceMs = 20_000) => signal('SIGTERM', graceMs),
    kill: () => signal('SIGKILL', 0),
  };
  running.set(child, app);
  child.once('exit', () => running.delete(child));
  return app;
}

async function until(what: string, app: AppProcess, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!app.alive) throw new Error(`${app.name} exited (${await app.exit}) before ${what}; log ${app.log}:\n${tail(app.log)}`);
    if (await probe().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`${app.name}: no ${what} within ${timeoutMs} ms; log ${app.log}:\n${tail(app.log)}`);
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export interface ApiProcess extends AppProcess {
  readonly base: string;
  readonly port: number;
}

/** Starts memory-api on `port` (a free one by default) and waits until /readyz answers 200. */
export async function startApi(env: Record<string, string>, logDir: string, port?: number, timeoutMs = 180_000): Promise<ApiProcess> {
  const p = port ?? (await freePort());
  const base = `http://127.0.0.1:${p}`;
  const app = launch('memory-api', 'apps/memory-api/src/main.ts', { ...env, PORT: String(p), HOST: '127.0.0.1' }, join(logDir, 'memory-api.log'));
  await until('/readyz 200', app, async () => (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3_000) })).status === 200, timeoutMs);
  return Object.assign(app, { base, port: p });
}

/** Starts memory-worker and waits until it logs that it consumes the memory queue. */
export async function startWorker(env: Record<string, string>, logDir: string, timeoutMs = 180_000): Promise<AppProcess> {
  const log = join(logDir, 'memory-worker.log');
  const from = sizeOf(log);
  const app = launch('memory-worker', 'apps/memory-worker/src/main.ts', { ...env, LOG_LEVEL: 'info' }, log);
  await until('"consuming" log line', app, async () => readFileSync(log).subarray(from).toString().includes('consuming '), timeoutMs);
  return app;
}
