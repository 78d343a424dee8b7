/**
 * Which store acknowledges an event batch (issue 12, item 2): the time to make one batch of events
 * "accepted" through each candidate path, on this machine, one batch after another:
 *   pg-jsonb       — one statement, its own transaction: the events as one jsonb parameter, data-
 *                    modifying CTEs insert events (ON CONFLICT DO NOTHING), users and the batch row
 *                    (what recsys-api does: EventRepository.insertBatch);
 *   pg-unnest      — the same as BEGIN; INSERT … FROM unnest(one array per column); users; batch; COMMIT;
 *   redis-stream   — XADD of every event to a stream (pipelined), plus XREADGROUP + XACK by a
 *                    consumer group (the consumer side timed apart);
 *   redis-stream-1 — XADD of the whole batch as one stream entry;
 *   bullmq-job     — one BullMQ job carrying the batch (Queue.add).
 * Redis here runs without AOF (`appendonly no`): an XADD or a job is gone after a Redis restart, so
 * neither is durable on its own; the table says what each costs, README says what was chosen.
 *
 *   node -r @swc-node/register bench/recsys/ingest-paths.ts [--batch 1000] [--batches 40] [--warmup 5]
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { createTestDatabase, createTestRedis } from '@frontier/platform-testing';
import { benchArgs, median, printHeadline, round, usageError } from '../lib/harness';

const { flags, positional } = benchArgs();
if (positional.length) usageError(`unexpected argument ${positional.join(' ')}; usage: bench/recsys/ingest-paths.ts [--batch 1000] [--batches 40] [--warmup 5]`);
const int = (name: string, dflt: number, min: number) => {
  const v = Number(flags.get(name) ?? dflt);
  if (!Number.isInteger(v) || v < min) usageError(`--${name} must be a whole number ≥ ${min}, got ${flags.get(name)}`);
  return v;
};
const BATCH = int('batch', 1000, 1);
const BATCHES = int('batches', 40, 1);
const WARMUP = int('warmup', 5, 0);
const TYPES = ['impression', 'click', 'skip', 'watch', 'purchase'] as const;

interface Ev {
  event_id: string;
  user_id: string;
  item_id: string;
  category: string;
  type: string;
  watch_seconds: number | null;
  at: string;
}

function batchOf(n: number, seq: number): Ev[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => {
    const type = TYPES[(((seq * 7 + i) % TYPES.length) + TYPES.length) % TYPES.length] as string;
    return {
      event_id: `e-${seq}-${i}-${randomUUID().slice(0, 8)}`,
      user_id: `u-${Math.abs(seq * 31 + i) % 5000}`,
      item_id: `i-${(i * 13) % 2000}`,
      category: `c-${i % 20}`,
      type,
      watch_seconds: type === 'watch' ? 5 + (i % 60) : null,
      at: new Date(now - i).toISOString(),
    };
  });
}

async function timeEach(label: string, run: (batch: Ev[], seq: number) => Promise<void>): Promise<{ name: string; p50_ms: number; max_ms: number; events_per_s: number }> {
  for (let i = 0; i < WARMUP; i++) await run(batchOf(BATCH, -1 - i), -1 - i);
  const times: number[] = [];
  for (let s = 0; s < BATCHES; s++) {
    const b = batchOf(BATCH, s);
    const t0 = performance.now();
    await run(b, s);
    times.push(performance.now() - t0);
  }
  const p50 = median(times);
  const row = { name: label, p50_ms: round(p50, 2), max_ms: round(Math.max(...times), 2), events_per_s: Math.round((BATCH * 1000) / p50) };
  console.log(`${label.padEnd(22)} p50 ${row.p50_ms.toFixed(2).padStart(8)} ms   max ${row.max_ms.toFixed(2).padStart(8)} ms   ≈ ${row.events_per_s} events/s one batch at a time`);
  return row;
}

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_ingest_paths');
  const redis = await createTestRedis('benchingestpaths');
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const tenant = (await pg.query<{ id: string }>(`INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'bench') RETURNING id`)).rows[0]?.id as string;
  const r = new Redis(redis.url);
  const bullRedis = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue('bench-ingest', { connection: bullRedis, prefix: redis.prefix });
  const aof = (await r.config('GET', 'appendonly')) as string[];
  console.log(`${BATCHES} batches of ${BATCH} events (after ${WARMUP} warm-up), one after another; Redis appendonly=${aof[1]}`);
  try {
    const rows = [];
    rows.push(
      await timeEach('pg-jsonb (1 statement)', async (b) => {
        const rowsJson = JSON.stringify(b.map((e) => ({ e: e.event_id, u: e.user_id, i: e.item_id, c: e.category, t: e.type, w: e.watch_seconds, a: e.at })));
        await pg.query(
          `WITH x AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(e text, u text, i text, c text, t text, w float8, a timestamptz)),
           ins AS (INSERT INTO recsys_events (tenant_id, event_id, batch_id, user_id, item_id, category, type, watch_seconds, at)
                   SELECT $1, e, $2, u, i, c, t, w, a FROM x ON CONFLICT DO NOTHING RETURNING 1),
           users AS (INSERT INTO recsys_users (tenant_id, id) SELECT DISTINCT $1::uuid, u FROM x ORDER BY 2 ON CONFLICT DO NOTHING),
           n AS (SELECT count(*)::int AS stored FROM ins),
           batch AS (INSERT INTO recsys_event_batches (id, tenant_id, events) SELECT $2::uuid, $1::uuid, stored FROM n WHERE stored > 0)
           SELECT stored FROM n`,
          [tenant, randomUUID(), rowsJson],
        );
      }),
    );
    rows.push(
      await timeEach('pg-unnest (transaction)', async (b) => {
        const batchId = randomUUID();
        await pg.query('BEGIN');
        const ins = await pg.query(
          `INSERT INTO recsys_events (tenant_id, event_id, batch_id, user_id, item_id, category, type, watch_seconds, at)
           SELECT $1, e, $2, u, i, c, t, w, a FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::timestamptz[]) AS x(e, u, i, c, t, w, a)
           ON CONFLICT DO NOTHING`,
          [tenant, batchId, b.map((e) => e.event_id), b.map((e) => e.user_id), b.map((e) => e.item_id), b.map((e) => e.category), b.map((e) => e.type), b.map((e) => e.watch_seconds), b.map((e) => e.at)],
        );
        await pg.query(`INSERT INTO recsys_users (tenant_id, id) SELECT $1, u FROM unnest($2::text[]) AS u ON CONFLICT DO NOTHING`, [tenant, [...new Set(b.map((e) => e.user_id))]]);
        await pg.query(`INSERT INTO recsys_event_batches (id, tenant_id, events) VALUES ($1, $2, $3)`, [batchId, tenant, ins.rowCount]);
        await pg.query('COMMIT');
      }),
    );
    const stream = `${redis.prefix}:events`;
    await r.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
    rows.push(
      await timeEach('redis-stream (XADD×n)', async (b) => {
        const p = r.pipeline();
        for (const e of b) p.xadd(stream, '*', 'e', JSON.stringify(e));
        await p.exec();
      }),
    );
    rows.push(
      await timeEach('  consumer XREADGROUP+XACK', async () => {
        const got = (await r.xreadgroup('GROUP', 'g', 'c1', 'COUNT', BATCH, 'STREAMS', stream, '>')) as [string, [string, string[]][]][] | null;
        const ids = got?.[0]?.[1].map(([id]) => id) ?? [];
        for (const [, fields] of got?.[0]?.[1] ?? []) JSON.parse(fields[1] as string);
        if (ids.length) await r.xack(stream, 'g', ...ids);
      }),
    );
    rows.push(
      await timeEach('redis-stream-1 (XADD×1)', async (b) => {
        await r.xadd(`${stream}-1`, '*', 'batch', JSON.stringify(b));
      }),
    );
    rows.push(
      await timeEach('bullmq-job (1 per batch)', async (b, s) => {
        await queue.add('batch', { events: b }, { jobId: `b-${s}-${randomUUID()}`, removeOnComplete: true });
      }),
    );
    printHeadline('recsys-ingest-paths', { batch: BATCH, batches: BATCHES, redis_appendonly: aof[1], rows });
  } finally {
    await queue.close();
    bullRedis.disconnect();
    r.disconnect();
    await pg.end();
    await redis.cleanup();
    await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
