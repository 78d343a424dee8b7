import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '@frontier/platform-testing';

const ROOT = resolve(__dirname, '../../../..');

export interface SpawnedApp {
  url: string;
  child: ChildProcess;
  log(): string;
}

/**
 * An app of the workspace as a real OS process (TypeScript through @swc-node/register, as
 * `npm run start:<app>` runs it), by its entry file — no import of another app's code. Waits for
 * /readyz; `child.kill()` in afterAll.
 */
export async function spawnApp(entry: string, env: Record<string, string>, timeoutMs = 120_000): Promise<SpawnedApp> {
  const port = await freePort();
  let log = '';
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], {
    cwd: ROOT,
    env: { ...process.env, TZ: 'UTC', LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited ${child.exitCode}:\n${log}`);
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return { url, child, log: () => log };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} not ready within ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A worker app (no HTTP port) as a real OS process: started, not waited for — the caller polls for
 * the effect it expects. `child.kill()` in afterAll.
 */
export function spawnWorker(entry: string, env: Record<string, string>): SpawnedApp {
  let log = '';
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], {
    cwd: ROOT,
    env: { ...process.env, TZ: 'UTC', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  return { url: '', child, log: () => log };
}
