/**
 * Postgres at volume (issue 17): what one row of each high-volume table costs on disk, heap + TOAST
 * + every index, as migrated — the per-row figures docs/scale.md multiplies out — and what
 * retention costs: dropping a day partition (`shipped`, platform_drop_day_partitions_before)
 * against DELETE of the same day's rows (baseline), in the same run.
 *
 * Rows are made in SQL with the shapes the services write: a memory with a 500-character text and a
 * 512-d float32 embedding (2,048 random bytes: incompressible, like a real vector), a transcript
 * turn of 300 characters, a recsys event, an impression, a usage line. Sizes do not depend on the
 * machine's load; the retention timings do (the load average is printed).
 *
 *   node -r @swc-node/register bench/platform/pg-storage.ts [--rows 20000] [--day-rows 200000]
 */
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { createTestDatabase } from '@frontier/platform-testing';
import { benchArgs, printHeadline, round, usageError } from '../lib/harness';

const { flags, positional } = benchArgs();
if (positional.length) usageError(`unexpected argument ${positional.join(' ')}; usage: bench/platform/pg-storage.ts [--rows 20000] [--day-rows 200000]`);
const ROWS = Number(flags.get('rows') ?? 20_000);
if (!Number.isInteger(ROWS) || ROWS < 1_000) usageError(`--rows must be a whole number ≥ 1000, got ${flags.get('rows')}`);
const DAY_ROWS = Number(flags.get('day-rows') ?? 200_000);
if (!Number.isInteger(DAY_ROWS) || DAY_ROWS < 1_000) usageError(`--day-rows must be a whole number ≥ 1000, got ${flags.get('day-rows')}`);

const T = '00000000-0000-4000-8000-000000000001';
const S = '00000000-0000-4000-8000-000000000002';
const E = '00000000-0000-4000-8000-000000000003';
// n random bytes (incompressible), as hex pairs from md5 of random numbers
const randomBytes = (n: number) => `decode((SELECT string_agg(md5(random()::text || g::text || j::text), '') FROM generate_series(1, ${Math.ceil(n / 16)}) j), 'hex')`;
const randomText = (chars: number) => `left((SELECT string_agg(md5(random()::text || g::text || j::text), ' ') FROM generate_series(1, ${Math.ceil(chars / 33)}) j), ${chars})`;

const FILL: Record<string, string> = {
  memories: `INSERT INTO memories (id, tenant_id, user_id, text, type, confidence, session_id, source_hash, turn_ids, extractor, embedding_model, embedding, valid_at, updated_at)
    SELECT gen_random_uuid(), '${T}', 'user-' || (g % 100), ${randomText(500)}, 'fact', 0.9, '${S}', md5(g::text), ARRAY['D1:' || g], 'rules-v2', 'use-lite-512', ${randomBytes(2048)}, now(), now()
    FROM generate_series(1, $1) g`,
  memory_turns: `INSERT INTO memory_turns (id, session_id, ordinal, turn_id, role, speaker, text, at)
    SELECT gen_random_uuid(), '${S}', g, 'D1:' || g, 'user', 'alice', ${randomText(300)}, now() FROM generate_series(1, $1) g`,
  recsys_events: `INSERT INTO recsys_events (tenant_id, event_id, batch_id, user_id, item_id, category, type, at)
    SELECT '${T}', 'e-' || g || '-' || md5(g::text), '${E}', 'u-' || (g % 50000), 'i-' || (g % 100000), 'c-' || (g % 1000), 'click', now() FROM generate_series(1, $1) g`,
  recsys_impressions: `INSERT INTO recsys_impressions (request_id, position, tenant_id, user_id, item_id, surface, model_version, policy, propensity, score, explored, shown_at)
    SELECT md5((g / 10)::text)::uuid, g % 10, '${T}', 'u-' || (g % 50000), 'i-' || (g % 100000), 'home', 'tt-v12', 'epsilon-greedy', 0.95, random(), false, now() FROM generate_series(1, $1) g`,
  multimodal_usage: `INSERT INTO multimodal_usage (id, event_id, tenant_id, key_id, model, modality, direction, unit, units, tokens, cost_usd, request_id, created_at)
    SELECT gen_random_uuid(), '${E}', '${T}', '${T}', 'qwen2-vl-7b', 'text', CASE WHEN g % 2 = 0 THEN 'input' ELSE 'output' END, 'tokens', 120, 120, 0.00012, 'chatcmpl-' || (g / 2), now() FROM generate_series(1, $1) g`,
};

async function bytesOf(c: Client, table: string): Promise<number> {
  // a partitioned table: every partition's heap, TOAST and indexes; a plain one: itself
  const r = await c.query<{ b: string }>(
    `SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree($1::regclass)), pg_total_relation_size($1::regclass))::text AS b`,
    [table],
  );
  return Number(r.rows[0]?.b ?? 0);
}

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_pg_storage');
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    await c.query(`INSERT INTO tenants (id, name) VALUES ($1, 'bench')`, [T]);
    await c.query(`INSERT INTO memory_sessions (id, tenant_id, user_id, external_id, source_hash, started_at) VALUES ($1, $2, 'user-0', 's-1', 'h', now())`, [S, T]);
    await c.query(`INSERT INTO recsys_event_batches (id, tenant_id, events) VALUES ($1, $2, 0)`, [E, T]);
    await c.query(
      `INSERT INTO multimodal_billing_events (id, request_id, tenant_id, key_id, model, status, lines, tokens, cost_usd, ended_at) VALUES ($1, 'chatcmpl-bench', $2, $2, 'm', 'completed', '[]', 0, 0, now())`,
      [E, T],
    );
    const bytesPerRow: Record<string, number> = {};
    for (const [table, sql] of Object.entries(FILL)) {
      const before = await bytesOf(c, table);
      await c.query(sql, [ROWS]);
      await c.query(`ANALYZE ${table}`);
      bytesPerRow[table] = Math.round((await bytesOf(c, table)) - before) / ROWS;
      console.log(`${table}: ${round(bytesPerRow[table], 1)} bytes a row (heap + TOAST + indexes) over ${ROWS} rows`);
    }

    // retention of one day of impressions: drop its partition vs DELETE its rows
    // days long before the template's own partitions, so the drop takes day A alone
    const dayA = '2020-01-01';
    const dayB = '2020-01-02';
    await c.query(`SELECT platform_ensure_day_partitions('recsys_impressions', $1::date, 2)`, [dayA]);
    for (const day of [dayA, dayB]) {
      await c.query(FILL['recsys_impressions'].replace('now() FROM', `$2::date::timestamp AT TIME ZONE 'UTC' + (g % 86400) * interval '1 second' FROM`), [DAY_ROWS, day]);
    }
    const t0 = performance.now();
    const dropped = await c.query<{ d: string[] }>(`SELECT platform_drop_day_partitions_before('recsys_impressions', $1::date) AS d`, [dayB]);
    const dropMs = performance.now() - t0;
    const partB = `recsys_impressions_${dayB.replaceAll('-', '')}`;
    const sizeB = await bytesOf(c, partB);
    const t1 = performance.now();
    await c.query(`DELETE FROM recsys_impressions WHERE shown_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'`, [dayB]);
    const deleteMs = performance.now() - t1;
    const sizeAfterDelete = await bytesOf(c, partB);
    console.log(`retention of ${DAY_ROWS} impression rows (one day): drop ${dropped.rows[0]?.d.join(', ')} ${round(dropMs, 1)} ms; DELETE ${round(deleteMs, 1)} ms, leaving ${sizeAfterDelete} of ${sizeB} bytes until VACUUM`);

    printHeadline('pg-storage', {
      rows: ROWS,
      dayRows: DAY_ROWS,
      loadavg1: round(loadavg()[0] ?? 0, 2),
      bytesPerRow: Object.fromEntries(Object.entries(bytesPerRow).map(([k, v]) => [k, round(v, 1)])),
      retentionOneDay: { shipped: { how: 'drop partition', ms: round(dropMs, 1), bytesFreed: sizeB }, baseline: { how: 'DELETE rows', ms: round(deleteMs, 1), bytesFreedBeforeVacuum: sizeB - sizeAfterDelete } },
    });
  } finally {
    await c.end();
    await db.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
