import { Client } from 'pg';
import type { LoggedData } from '../data';

/** What the reader needs from a Postgres connection (a `pg` Client or PoolClient fits). */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface ImpressionQuery {
  readonly tenant: string;
  /** shown_at >= since */
  readonly since?: Date;
  /** shown_at < until */
  readonly until?: Date;
  readonly surface?: string;
  /** Event types that count as reward 1 for the shown item (default click). */
  readonly rewardTypes?: readonly string[];
}

/** One shown item of the impression log with its reward. */
export interface ImpressionRow {
  readonly requestId: string;
  readonly position: number;
  readonly itemId: string;
  readonly propensity: number;
  readonly score: number | null;
  readonly explored: boolean;
  readonly reward: number;
}

/**
 * The impression log of one tenant: every row of `recsys_impressions` in the window, with reward 1
 * when `recsys_events` holds an event of the reward types for the same request_id and item_id
 * (flagged events, bots and anomalies, do not count). The rewarded pairs are collected once and
 * hash-joined, so no per-row lookup needs an index on events(request_id, item_id). Events are read
 * from a day before the window's start (a click follows its impression). Ordered by shown_at,
 * request_id, position.
 */
const IMPRESSIONS_SQL = `
  WITH rewarded AS (
    SELECT DISTINCT e.request_id, e.item_id
      FROM recsys_events e
     WHERE e.tenant_id = $1::uuid
       AND e.request_id IS NOT NULL
       AND e.type = ANY($2::text[])
       AND NOT e.flagged
       AND ($3::timestamptz IS NULL OR e.at >= $3::timestamptz - interval '1 day')
  )
  SELECT i.request_id::text AS request_id,
         i.position::int AS position,
         i.item_id::text AS item_id,
         i.propensity::float8 AS propensity,
         i.score::float8 AS score,
         coalesce(i.explored, false) AS explored,
         (r.request_id IS NOT NULL) AS rewarded
    FROM recsys_impressions i
    LEFT JOIN rewarded r ON r.request_id = i.request_id AND r.item_id = i.item_id
   WHERE i.tenant_id = $1::uuid
     AND ($3::timestamptz IS NULL OR i.shown_at >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR i.shown_at < $4::timestamptz)
     AND ($5::text IS NULL OR i.surface = $5::text)
   ORDER BY i.shown_at, i.request_id, i.position`;

const COUNT_SQL = `
  SELECT count(*)::int AS n FROM recsys_impressions i
   WHERE i.tenant_id = $1::uuid
     AND ($2::timestamptz IS NULL OR i.shown_at >= $2::timestamptz)
     AND ($3::timestamptz IS NULL OR i.shown_at < $3::timestamptz)
     AND ($4::text IS NULL OR i.surface = $4::text)`;

interface RawRow {
  request_id: string;
  position: number;
  item_id: string;
  propensity: number | null;
  score: number | null;
  explored: boolean;
  rewarded: boolean;
}

/**
 * Streams the impression log through a server-side cursor (one read-only transaction, `batchSize`
 * rows per round trip), so a long window never sits in memory as pg row objects.
 */
export async function* readImpressions(db: Queryable, q: ImpressionQuery, batchSize = 20_000): AsyncGenerator<ImpressionRow[]> {
  const rewardTypes = [...(q.rewardTypes ?? ['click'])];
  await db.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let open = true;
  try {
    await db.query(`DECLARE frontier_ope_impressions NO SCROLL CURSOR FOR ${IMPRESSIONS_SQL}`, [
      q.tenant,
      rewardTypes,
      q.since ?? null,
      q.until ?? null,
      q.surface ?? null,
    ]);
    for (;;) {
      const { rows } = await db.query(`FETCH FORWARD ${Math.max(1, Math.floor(batchSize))} FROM frontier_ope_impressions`);
      if (rows.length === 0) break;
      yield (rows as RawRow[]).map((r) => ({
        requestId: r.request_id,
        position: r.position,
        itemId: r.item_id,
        propensity: r.propensity ?? NaN,
        score: r.score,
        explored: r.explored,
        reward: r.rewarded ? 1 : 0,
      }));
    }
    await db.query('COMMIT');
    open = false;
  } finally {
    if (open) await db.query('ROLLBACK').catch(() => undefined);
  }
}

export async function countImpressions(db: Queryable, q: ImpressionQuery): Promise<number> {
  const { rows } = await db.query(COUNT_SQL, [q.tenant, q.since ?? null, q.until ?? null, q.surface ?? null]);
  return (rows[0] as { n: number }).n;
}

export interface ReadLogOptions {
  /** Size of the action set when it is larger than the distinct items in the window (e.g. the catalogue). */
  readonly nActions?: number;
  readonly batchSize?: number;
  readonly onProgress?: (rowsRead: number, totalRows: number) => void;
}

/**
 * The impression log as logged feedback: actions are the distinct item ids of the window (sorted),
 * rows carry their request (for per-request re-ranking) and logged score. Rejects rows whose
 * propensity is missing or outside (0, 1] and negative positions.
 */
export async function readImpressionLog(db: Queryable, q: ImpressionQuery, options: ReadLogOptions = {}): Promise<Omit<LoggedData, 'source'> & { requests: number; exploredRows: number }> {
  const total = options.onProgress ? await countImpressions(db, q) : 0;
  const rows: ImpressionRow[] = [];
  for await (const batch of readImpressions(db, q, options.batchSize)) {
    for (const r of batch) {
      if (!(r.propensity > 0 && r.propensity <= 1)) {
        throw new Error(`recsys_impressions: request ${r.requestId} position ${r.position} has propensity ${r.propensity}, outside (0, 1]`);
      }
      if (!(r.position >= 0)) throw new Error(`recsys_impressions: request ${r.requestId} has position ${r.position} (positions are 0-based)`);
      rows.push(r);
    }
    options.onProgress?.(rows.length, Math.max(total, rows.length));
  }
  if (rows.length === 0) {
    const window = [q.since && `since ${q.since.toISOString()}`, q.until && `until ${q.until.toISOString()}`, q.surface && `surface ${q.surface}`].filter(Boolean).join(', ');
    throw new Error(`recsys_impressions has no rows for tenant ${q.tenant}${window ? ` (${window})` : ''}`);
  }
  const actionIds = [...new Set(rows.map((r) => r.itemId))].sort();
  const nActions = options.nActions ?? actionIds.length;
  if (nActions < actionIds.length) throw new Error(`--n-actions ${nActions} is below the ${actionIds.length} distinct items in the log`);
  const index = new Map(actionIds.map((id, a) => [id, a]));
  const requests = new Map<string, number>();
  const n = rows.length;
  const action = new Int32Array(n);
  const position = new Int32Array(n);
  const reward = new Float64Array(n);
  const pscore = new Float64Array(n);
  const loggedScore = new Float64Array(n);
  const requestOf = new Int32Array(n);
  let explored = 0;
  let lenList = 0;
  rows.forEach((r, i) => {
    action[i] = index.get(r.itemId) as number;
    position[i] = r.position;
    if (r.position + 1 > lenList) lenList = r.position + 1;
    reward[i] = r.reward;
    pscore[i] = r.propensity;
    loggedScore[i] = r.score ?? NaN;
    let g = requests.get(r.requestId);
    if (g === undefined) requests.set(r.requestId, (g = requests.size));
    requestOf[i] = g;
    if (r.explored) explored++;
  });
  return { action, position, reward, pscore, nActions, lenList, actionIds, requestOf, loggedScore, requests: requests.size, exploredRows: explored };
}

/** Connects with a URL, runs `fn`, always closes. */
export async function withPostgres<T>(url: string, fn: (db: Queryable) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'frontier-ope' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The URL without its password, for reports. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
