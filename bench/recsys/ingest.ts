/**
 * Sustained event ingest through the real HTTP API (issue 12): recsys-api as its own process(es)
 * on loopback, POST /v1/events batches sent by `--concurrency` clients for the whole run, then
 * count in = count stored (every event id sent is in recsys_events; nothing acknowledged is lost).
 * Target: ≥ 20,000 events/s on this machine via batching. Optionally recsys-worker runs beside it
 * (`--worker`), featuring every batch as it arrives, and the bench waits until all are featured.
 *
 *   node -r @swc-node/register bench/recsys/ingest.ts [--events 200000] [--batch 1000] [--concurrency 8]
 *        [--api-processes 1] [--users 20000] [--items 2000] [--worker] [--warmup-batches 20] [--api-node-args="--cpu-prof …"]
 *
 * A private database (cloned from the migrated template) and Redis prefix, dropped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { mintApiKey } from '@frontier/platform-nest';
import { createTestDatabase, createTestRedis, freePort } from '@frontier/platform-testing';
import { benchArgs, median, printHeadline, round, usageError } from '../lib/harness';

const USAGE = 'bench/recsys/ingest.ts [--events 200000] [--batch 1000] [--concurrency 8] [--api-processes 1] [--users 20000] [--items 2000] [--worker] [--warmup-batches 20] [--api-node-args="--cpu-prof …"]';
const { flags, positional } = benchArgs(process.argv.slice(2).map((a) => (a === '--worker' ? '--worker=true' : a)));
if (positional.length) usageError(`unexpected argument ${positional.join(' ')}; usage: ${USAGE}`);
const int = (name: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
  const raw = flags.get(name);
  const v = Number(raw ?? dflt);
  if (!Number.isInteger(v) || v < min || v > max) usageError(`--${name} must be a whole number from ${min} to ${max}, got ${raw}; usage: ${USAGE}`);
  return v;
};
const EVENTS = int('events', 200_000, 1);
const BATCH = int('batch', 1_000, 1, 1_000);
const CONCURRENCY = int('concurrency', 8, 1, 256);
const API_PROCESSES = int('api-processes', 1, 1, 16);
const USERS = int('users', 20_000, 1);
const ITEMS = int('items', 2_000, 1, 100_000);
const WARMUP = int('warmup-batches', 20, 0);
const WORKER = flags.get('worker') === 'true';
const ROOT = resolve(__dirname, '../..');
const children: ChildProcess[] = [];

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process exited ${child.exitCode}`);
    if (await fetch(url).then((r) => r.status === 200).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready`);
}

// --api-node-args '…': extra node flags for the recsys-api processes (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`)
const API_NODE_ARGS = (flags.get('api-node-args') ?? '').split(' ').filter(Boolean);

function launch(script: string, env: Record<string, string>, nodeArgs: string[] = []): ChildProcess {
  const c = spawn(process.execPath, [...nodeArgs, '-r', '@swc-node/register', script], { cwd: ROOT, env: { ...process.env, TZ: 'UTC', LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(c);
  return c;
}

const TYPES = ['impression', 'impression', 'impression', 'impression', 'click', 'skip', 'watch', 'purchase'] as const;

/** The bodies, made before the clock starts (the client's JSON work is not the server's). */
function bodies(prefix: string, n: number): string[] {
  const out: string[] = [];
  const now = Date.now();
  let x = 12345;
  const rand = (m: number) => ((x = (x * 1103515245 + 12345) % 2147483648), x % m);
  for (let b = 0; b * BATCH < n; b++) {
    const events = [];
    for (let i = 0; i < BATCH && b * BATCH + i < n; i++) {
      const type = TYPES[rand(TYPES.length)] as string;
      events.push({
        event_id: `${prefix}-${b}-${i}`,
        user_id: `u${rand(USERS)}`,
        item_id: `i${rand(ITEMS)}`,
        type,
        ...(type === 'watch' ? { watch_seconds: rand(6000) / 100 } : {}),
        surface: 'home',
        at: new Date(now - rand(3_600_000)).toISOString(),
      });
    }
    out.push(JSON.stringify({ events }));
  }
  return out;
}

async function post(url: string, auth: string, body: string): Promise<{ ms: number; stored: number; duplicates: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /v1/events answered ${res.status}: ${text.slice(0, 300)}`);
  const r = JSON.parse(text) as { stored: number; duplicates: number };
  return { ms: performance.now() - t0, stored: r.stored, duplicates: r.duplicates };
}

/** Sends every body with `CONCURRENCY` requests in flight, spread over the API processes. */
async function drive(urls: string[], auth: string, all: string[]): Promise<{ wallMs: number; latencies: number[]; stored: number; duplicates: number }> {
  let next = 0;
  let stored = 0;
  let duplicates = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, c) => {
      for (let i = next++; i < all.length; i = next++) {
        const r = await post(urls[(i + c) % urls.length] as string, auth, all[i] as string);
        latencies.push(r.ms);
        stored += r.stored;
        duplicates += r.duplicates;
      }
    }),
  );
  return { wallMs: performance.now() - t0, latencies, stored, duplicates };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
};

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_recsys_ingest');
  const redis = await createTestRedis('benchrecsysingest');
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    const tenant = (await pg.query<{ id: string }>(`INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'bench') RETURNING id`)).rows[0]?.id as string;
    const key = mintApiKey();
    await pg.query('INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash, scopes) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)', [tenant, 'bench', key.prefix, key.secretHash, ['recsys:*']]);
    // the catalogue: ITEMS items in 20 categories, 200 creators (with client embeddings: no model load)
    await pg.query(
      `INSERT INTO recsys_items (tenant_id, id, creator, category, embedding, embedding_dim, embedding_model)
       SELECT $1, 'i' || g, 'c' || (g % 200), 'cat' || (g % 20), decode('0000803f00000000', 'hex'), 2, 'client' FROM generate_series(0, $2 - 1) AS g`,
      [tenant, ITEMS],
    );
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, HOST: '127.0.0.1', RATE_LIMIT_PER_KEY: '0', METRICS_ENABLED: 'false' };
    const urls: string[] = [];
    for (let p = 0; p < API_PROCESSES; p++) {
      const port = await freePort();
      const api = launch('apps/recsys-api/src/main.ts', { ...env, PORT: String(port) }, API_NODE_ARGS);
      await waitReady(`http://127.0.0.1:${port}/readyz`, api);
      urls.push(`http://127.0.0.1:${port}/v1/events`);
    }
    if (WORKER) launch('apps/recsys-worker/src/main.ts', { ...env, WORKER_CONCURRENCY: '4' });
    const auth = `Bearer ${key.plaintext}`;

    const warm = bodies('warm', WARMUP * BATCH);
    if (warm.length) await drive(urls, auth, warm);
    const all = bodies('run', EVENTS);
    console.log(`${EVENTS} events in ${all.length} batches of ≤ ${BATCH}, ${CONCURRENCY} requests in flight, ${API_PROCESSES} recsys-api process(es)${WORKER ? ' + recsys-worker featuring every batch' : ''} (after ${warm.length} warm-up batches)`);
    const run = await drive(urls, auth, all);
    const stored = Number((await pg.query<{ n: string }>(`SELECT count(*) AS n FROM recsys_events WHERE tenant_id = $1 AND event_id LIKE 'run-%'`, [tenant])).rows[0]?.n);
    const eventsPerS = Math.round((EVENTS * 1000) / run.wallMs);
    let featuredAfterMs: number | null = null;
    if (WORKER) {
      const t0 = performance.now();
      for (;;) {
        const left = Number((await pg.query<{ n: string }>(`SELECT count(*) AS n FROM recsys_event_batches WHERE tenant_id = $1 AND featured_at IS NULL`, [tenant])).rows[0]?.n);
        if (left === 0) break;
        if (performance.now() - t0 > 600_000) throw new Error(`${left} batches still unfeatured after 10 minutes`);
        await new Promise((r) => setTimeout(r, 250));
      }
      featuredAfterMs = round(performance.now() - t0, 0);
    }
    const lost = EVENTS - stored;
    const p50 = round(pct(run.latencies, 50), 1);
    const p99 = round(pct(run.latencies, 99), 1);
    console.log(`sent ${EVENTS}, acknowledged as stored ${run.stored} (${run.duplicates} duplicates), found in recsys_events ${stored}: lost ${lost}`);
    console.log(`${eventsPerS} events/s sustained over ${round(run.wallMs / 1000, 2)} s; request p50 ${p50} ms, p99 ${p99} ms (median ${round(median(run.latencies), 1)} ms)${featuredAfterMs !== null ? `; all batches featured ${featuredAfterMs} ms after the last answer` : ''}`);
    printHeadline('recsys-ingest', {
      events: EVENTS,
      batch: BATCH,
      concurrency: CONCURRENCY,
      api_processes: API_PROCESSES,
      worker: WORKER,
      events_per_s: eventsPerS,
      target_events_per_s: 20_000,
      wall_s: round(run.wallMs / 1000, 3),
      request_p50_ms: p50,
      request_p99_ms: p99,
      acknowledged: run.stored,
      stored,
      lost,
      featured_after_ms: featuredAfterMs,
    });
    if (lost !== 0 || run.stored !== EVENTS) process.exitCode = 1;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await pg.end();
    await redis.cleanup();
    await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
});
