/**
 * What the multimodal benches share to run chat-gateway as a real process: spawning it (children
 * killed at the end, or on a crash), waiting for /readyz, a tenant and an API key with
 * multimodal:* minted straight into Postgres, and percentiles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Client } from 'pg';
import { mintApiKey } from '@frontier/platform-nest';

export const ROOT = resolve(__dirname, '../..');
export const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Every process the bench started (killed by {@link killAll}). */
export const children: ChildProcess[] = [];

/** Starts `node <args>` from the repository root with the bench's env (TZ=UTC, LOG_LEVEL=error) over the process's. */
export function launch(args: string[], env: Record<string, string>): ChildProcess {
  const c = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, TZ: 'UTC', LOG_LEVEL: 'error', REDIS_URL, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(c);
  return c;
}

/** chat-gateway (apps/chat-gateway/src/main.ts through @swc-node/register), `nodeArgs` before it. */
export function launchGateway(env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  return launch([...nodeArgs, '-r', '@swc-node/register', 'apps/chat-gateway/src/main.ts'], env);
}

/** Waits until `url` answers below 500 (the child exiting first is an error). */
export async function waitReady(url: string, child: ChildProcess, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited ${child.exitCode}`);
    if (await fetch(url).then((r) => r.status < 500).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready`);
}

export function killAll(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const c of children) c.kill(signal);
}

/** A tenant named `name` and an API key with multimodal:* (the key's plaintext and ids). */
export async function benchTenantKey(pg: Client, name: string): Promise<{ tenantId: string; keyId: string; key: string }> {
  const tenantId = (await pg.query<{ id: string }>('INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), $1) RETURNING id', [name])).rows[0]?.id as string;
  const minted = mintApiKey();
  const keyId = (await pg.query<{ id: string }>('INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash, scopes) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5) RETURNING id', [tenantId, 'bench', minted.prefix, minted.secretHash, ['multimodal:*']])).rows[0]?.id as string;
  return { tenantId, keyId, key: minted.plaintext };
}

/** The p-th percentile (nearest rank). */
export function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
}

/** Runs `main`; on a crash the children are killed and the process exits 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(e);
    killAll('SIGKILL');
    process.exit(1);
  });
}
