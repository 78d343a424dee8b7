/**
 * One scenario's stack: a private Postgres (migrated) and Redis of its own, a tenant with an API
 * key, memory-api and memory-worker as child processes. `dispose()` stops and removes all of it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { mintApiKey } from '@frontier/platform-nest';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from '@frontier/platform-testing';
import { killAllApps, startApi, startWorker, WORKSPACE, type ApiProcess, type AppProcess } from './apps';

export const REPORT_DIR = join(WORKSPACE, 'reports', 'faults');

export interface StackOptions {
  /** `aof`: a Redis restart keeps its keys (a stop, not a loss); `none`: it comes back empty. */
  redis: 'aof' | 'none';
  /** Extra environment for both apps. */
  env?: Record<string, string>;
}

export interface Stack {
  readonly pg: PrivatePostgres;
  readonly redis: PrivateRedis;
  readonly tenantId: string;
  readonly key: string;
  readonly logDir: string;
  api: ApiProcess;
  worker: AppProcess;
  /** Starts another memory-api (on the same port unless told otherwise) once the last one is gone. */
  restartApi(samePort?: boolean): Promise<ApiProcess>;
  restartWorker(): Promise<AppProcess>;
  dispose(): Promise<void>;
}

async function tenantWithKey(url: string, name: string): Promise<{ tenantId: string; key: string }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const t = await c.query<{ id: string }>('INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), $1) RETURNING id', [name]);
    const tenantId = t.rows[0]?.id as string;
    const k = mintApiKey();
    await c.query('INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash, scopes) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)', [tenantId, 'faults', k.prefix, k.secretHash, ['memory:*']]);
    return { tenantId, key: k.plaintext };
  } finally {
    await c.end();
  }
}

const live = new Set<() => Promise<void>>();

/**
 * Ends every stack still up (a scenario that timed out keeps running in the background): the
 * spec's afterAll calls it, so the suite never leaves a process, a port or a data dir behind.
 */
export async function disposeAllStacks(): Promise<void> {
  await Promise.all([...live].map((d) => d()));
  await killAllApps();
}

export async function startStack(name: string, o: StackOptions): Promise<Stack> {
  const logDir = join(REPORT_DIR, name);
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const started: Array<{ dispose(): Promise<void> }> = [];
  const dispose = async () => {
    live.delete(dispose);
    await killAllApps(); // scenarios run one at a time: every app is this stack's, one still booting too
    for (const s of started.reverse()) await s.dispose().catch(() => undefined);
  };
  live.add(dispose);
  try {
    const pg = await startPrivatePostgres();
    started.push(pg);
    const redis = await startPrivateRedis({ persistence: o.redis });
    started.push(redis);
    const { tenantId, key } = await tenantWithKey(pg.url, `faults-${name}`);
    const env = {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: `faults-${name}`,
      LOG_LEVEL: 'info',
      // the reconciler's bound (default 120 s) shortened so a scenario settles in about a minute
      MEMORY_RECONCILE_AFTER_S: '15',
      // one key sends the whole stream (20-40/s): the per-key limit stays on (it lives in Redis too) but above it
      RATE_LIMIT_PER_KEY: '100000',
      ...o.env,
    };
    const [api, worker] = await Promise.all([startApi(env, logDir), startWorker(env, logDir)]);
    const stack: Stack = {
      pg,
      redis,
      tenantId,
      key,
      logDir,
      api,
      worker,
      async restartApi(samePort = true) {
        await stack.api.exit;
        stack.api = await startApi(env, logDir, samePort ? stack.api.port : undefined);
        return stack.api;
      },
      async restartWorker() {
        await stack.worker.exit;
        stack.worker = await startWorker(env, logDir);
        return stack.worker;
      },
      dispose,
    };
    return stack;
  } catch (e) {
    await dispose();
    throw e;
  }
}
