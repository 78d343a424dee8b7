/**
 * npm run demo: shows a person that Frontier runs here. Prints the services and migrated tables,
 * starts the apps that exist as real processes, drives them over HTTP, and shuts them down
 * gracefully. Later systems add their own steps to STEPS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { pendingMigrations, readMigrations } from '../../libs/platform/prisma/src/migrations';

const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/frontier';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const ADMIN_TOKEN = randomBytes(24).toString('hex');
const PREFIX = `demo-${randomBytes(3).toString('hex')}`;
const children: ChildProcess[] = [];

const line = (s = '') => console.log(s);
const head = (s: string) => line(`\n== ${s}`);
const ok = (s: string) => line(`  ✔ ${s}`);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function start(name: string, entry: string, env: Record<string, string>): ChildProcess {
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

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function call(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function services(): Promise<void> {
  head('Services');
  const pg = new Client({ connectionString: DATABASE_URL });
  await pg.connect();
  const version = (await pg.query('SHOW server_version')).rows[0].server_version as string;
  ok(`Postgres ${version} at ${DATABASE_URL.replace(/\/\/[^@]*@/, '//')}`);
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  const rv = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
  ok(`Redis ${rv} at ${REDIS_URL} (PING → ${await redis.ping()})`);
  redis.disconnect();

  head('Migrations and tables');
  const pending = await pendingMigrations(DATABASE_URL);
  for (const m of readMigrations()) line(`  ${pending.includes(m.name) ? '… pending' : '✔ applied'}  ${m.name}`);
  const tables = await pg.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  for (const { table_name } of tables.rows) {
    const n = (await pg.query(`SELECT count(*)::int AS n FROM "${table_name}"`)).rows[0].n as number;
    line(`  table ${table_name.padEnd(24)} ${n} row(s)`);
  }
  await pg.end();
}

async function platform(): Promise<void> {
  head('Platform API + worker (real processes)');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  start('platform-api', 'apps/platform-api/src/main.ts', { PORT: String(port), HOST: '127.0.0.1', ADMIN_TOKEN });
  start('platform-worker', 'apps/platform-worker/src/main.ts', {});
  const ready = await until('platform-api /readyz', async () => {
    const r = await call(base, 'GET', '/readyz');
    return r.status === 200 ? r.body : undefined;
  });
  ok(`GET /readyz → ${JSON.stringify(ready)}`);
  const tenantName = `demo-${randomBytes(3).toString('hex')}`;
  const tenant = await call(base, 'POST', '/v1/tenants', { name: tenantName }, ADMIN_TOKEN);
  ok(`POST /v1/tenants → ${tenant.status} tenant ${tenant.body['name']} (${tenant.body['id']})`);
  const bad = await call(base, 'POST', '/v1/tenants', { name: 'Bad Name!', plan: 'gold' }, ADMIN_TOKEN);
  ok(`POST /v1/tenants with bad input → ${bad.status} ${JSON.stringify(bad.body['message'])}`);
  const key = await call(base, 'POST', `/v1/tenants/${tenant.body['id']}/api-keys`, { name: 'demo', scopes: ['memory:*'] }, ADMIN_TOKEN);
  const apiKey = key.body['key'] as string;
  ok(`POST /v1/tenants/:id/api-keys → ${key.status} key ${apiKey.slice(0, 16)}… (shown once, stored hashed)`);
  const me = await call(base, 'GET', '/v1/me', undefined, apiKey);
  ok(`GET /v1/me with the key → ${me.status} ${JSON.stringify(me.body)}`);
  const used = await until('the worker to record key use', async () => {
    const keys = await call(base, 'GET', `/v1/tenants/${tenant.body['id']}/api-keys`, undefined, ADMIN_TOKEN);
    const first = (keys.body as unknown as Array<{ lastUsedAt: string | null }>)[0];
    return first?.lastUsedAt ?? undefined;
  });
  ok(`platform-worker processed the api-key-used job: lastUsedAt = ${used}`);
  const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
  ok(`GET /metrics → ${metrics.split('\n').filter((l) => l.startsWith('http_request_duration_seconds_count')).length} route series timed`);
  ok(`GET /docs → ${(await fetch(`${base}/docs`)).status} (OpenAPI UI; JSON at /docs-json)`);
  const pg = new Client({ connectionString: DATABASE_URL });
  await pg.connect();
  await pg.query('DELETE FROM tenants WHERE id = $1', [tenant.body['id']]);
  await pg.end();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  ok(`demo tenant and its ${keys.length} queue key(s) removed`);
}

async function stopAll(): Promise<void> {
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

const STEPS: Array<() => Promise<void>> = [services, platform];

async function main(): Promise<void> {
  line('Frontier demo');
  for (const step of STEPS) await step();
  await stopAll();
  head('Done');
  ok('apps stopped gracefully (SIGTERM: workers drained, pools closed)');
}

main().catch(async (e: unknown) => {
  console.error(`\ndemo failed: ${e instanceof Error ? e.message : String(e)}`);
  await stopAll();
  process.exit(1);
});
