/** Small helpers shared by the demo steps: output, child processes, HTTP calls, waiting. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

export const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/frontier';
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** Every demo run uses its own Redis prefix, removed at the end. */
export const PREFIX = `demo-${randomBytes(3).toString('hex')}`;

export const line = (s = '') => console.log(s);
export const head = (s: string) => line(`\n== ${s}`);
export const ok = (s: string) => line(`  ✔ ${s}`);

const children: ChildProcess[] = [];

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts an app as a real process (TypeScript through @swc-node/register). */
export function start(name: string, entry: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], {
    env: { ...process.env, DATABASE_URL, REDIS_URL, REDIS_PREFIX: PREFIX, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (code && code !== 0) console.error(`  ✘ ${name} exited with code ${code}${signal ? ` (${signal})` : ''}`);
  });
  children.push(child);
  return child;
}

/** SIGTERM every started app (graceful: workers drain, pools close), SIGKILL after 10 s. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
}

export async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export type Json = Record<string, unknown> & { [k: string]: unknown };

export async function call(base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/** Rejects when the app exits (so a wait on it fails at once, not at its timeout); never resolves. */
export function exitOf(child: ChildProcess, name: string): Promise<never> {
  const p = new Promise<never>((_, reject) => {
    const fail = () => reject(new Error(`${name} exited (code ${child.exitCode ?? child.signalCode}); its error is printed above`));
    if (child.exitCode !== null || child.signalCode !== null) fail();
    else child.once('exit', fail);
  });
  p.catch(() => undefined); // only a failure for whoever races it
  return p;
}

/** Starts an HTTP app on a free port and waits until /readyz answers 200. */
export async function startHttpApp(name: string, entry: string, env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = start(name, entry, { PORT: String(port), HOST: '127.0.0.1', ...env });
  await Promise.race([until(`${name} /readyz`, async () => ((await call(base, 'GET', '/readyz')).status === 200 ? true : undefined)), exitOf(child, name)]);
  return base;
}

/** What steps hand each other: the demo tenant and a key scoped to it. */
export interface DemoContext {
  tenantId?: string;
  apiKey?: string;
  /** The operator token the apps were started with (tenant administration, promote / roll back). */
  adminToken?: string;
  /** The user whose memories the demo wrote. */
  userId?: string;
  /** Where each public API listens, for the console. */
  urls?: { memory?: string; gateway?: string; recsys?: string };
}
