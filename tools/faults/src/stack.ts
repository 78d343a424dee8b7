/**
 * The suite's stack: a private Postgres (migrated) and Redis (append-only file, so a stopped Redis
 * comes back with its keys), memory-api and memory-worker as child processes. The same processes
 * live through every scenario (recovery without a restart), each scenario with a tenant of its
 * own; an app a scenario kills is started again. `dispose()` stops and removes all of it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { mintApiKey } from '@frontier/platform-nest';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from '@frontier/platform-testing';
import { killAllApps, startApi, startWorker, WORKSPACE, type ApiProcess, type AppProcess } from './apps';

export const REPORT_DIR = join(WORKSPACE, 'reports', 'faults');

export interface Tenant {
  tenantId: string;
  key: string;
}

export interface Stack {
  readonly pg: PrivatePostgres;
  readonly redis: PrivateRedis;
  readonly logDir: string;
  api: ApiProcess;
  worker: AppProcess;
  /** A tenant with a `memory:*` key (one per scenario, so its counts are its own). */
  tenant(name: string): Promise<Tenant>;
  /** Starts another memory-api on the same port once the last one is gone. */
  restartApi(): Promise<ApiProcess>;
  /** Starts another memory-worker once the last one is gone. */
  restartWorker(): Promise<AppProcess>;
  /** Redis killed and started with no data at all (its append-only file removed). */
  restartRedisEmpty(): Promise<void>;
  /** Both apps running and answering (an app a failed scenario left dead is started again). */
  ready(): Promise<void>;
  dispose(): Promise<void>;
}

async function tenantWithKey(url: string, name: string): Promise<Tenant> {
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

let current: Stack | undefined;

/**
 * Ends the stack if it is still up (also one whose start failed half-way, or a scenario that
 * timed out and runs on): the spec's afterAll calls it, so the suite never leaves a process, a
 * port or a data dir behind.
 */
export async function disposeStack(): Promise<void> {
  await current?.dispose();
  await killAllApps();
}

export async function startStack(): Promise<Stack> {
  const logDir = REPORT_DIR;
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const started: Array<{ dispose(): Promise<void> }> = [];
  const dispose = async () => {
    await killAllApps(); // one still booting too
    for (const s of started.splice(0).reverse()) await s.dispose().catch(() => undefined);
  };
  current = { dispose } as Stack;
  try {
    const pg = await startPrivatePostgres();
    started.push(pg);
    const redis = await startPrivateRedis({ persistence: 'aof' });
    started.push(redis);
    const env = {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'faults',
      LOG_LEVEL: 'info',
      // the reconciler's bound (default 120 s) shortened so a scenario settles in about a minute
      MEMORY_RECONCILE_AFTER_S: '15',
      // one key sends a whole stream (20-40/s): the per-key limit stays on (it lives in Redis too) but above it
      RATE_LIMIT_PER_KEY: '100000',
    };
    const [api, worker] = await Promise.all([startApi(env, logDir), startWorker(env, logDir)]);
    const stack: Stack = {
      pg,
      redis,
      logDir,
      api,
      worker,
      tenant: (name) => tenantWithKey(pg.url, `faults-${name}`),
      async restartApi() {
        await stack.api.exit;
        stack.api = await startApi(env, logDir, stack.api.port);
        return stack.api;
      },
      async restartWorker() {
        await stack.worker.exit;
        stack.worker = await startWorker(env, logDir);
        return stack.worker;
      },
      async restartRedisEmpty() {
        await redis.kill();
        rmSync(join(redis.dir, 'appendonlydir'), { recursive: true, force: true });
        rmSync(join(redis.dir, 'dump.rdb'), { force: true });
        await redis.start();
      },
      async ready() {
        if (!pg.running) await pg.start();
        if (!redis.running) await redis.start();
        if (!stack.api.alive) await stack.restartApi();
        if (!stack.worker.alive) await stack.restartWorker();
        const t0 = Date.now();
        while ((await fetch(`${stack.api.base}/readyz`).then((r) => r.status).catch(() => 0)) !== 200) {
          if (Date.now() - t0 > 60_000) throw new Error('memory-api not ready within 60 s of a scenario start');
          await new Promise((r) => setTimeout(r, 250));
        }
      },
      dispose,
    };
    current = stack;
    return stack;
  } catch (e) {
    await dispose();
    throw e;
  }
}
