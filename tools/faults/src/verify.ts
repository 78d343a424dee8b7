/**
 * What Postgres (the truth) says after a scenario: which sessions never reached a final state,
 * and which facts exist twice.
 */
import { Client } from 'pg';

const FINAL = new Set(['processed', 'skipped']);

async function query<T extends object>(url: string, sql: string, params: unknown[]): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

export interface Unsettled {
  user: string;
  session: string;
  /** Its status in Postgres, or `missing` when a 2xx was answered but no row exists. */
  status: string;
}

/**
 * Sessions not processed/skipped: every one a client got a 2xx for, and every one Postgres holds
 * (a session stored before the request failed is the service's to process too).
 */
export async function unsettled(url: string, tenantId: string, accepted: ReadonlyArray<{ user: string; session: string }>): Promise<Unsettled[]> {
  const rows = await query<{ user_id: string; external_id: string; status: string }>(url, 'SELECT user_id, external_id, status FROM memory_sessions WHERE tenant_id = $1', [tenantId]);
  const key = (u: string, s: string) => `${u}\u0000${s}`;
  const stored = new Map(rows.map((r) => [key(r.user_id, r.external_id), r.status]));
  const out: Unsettled[] = rows.filter((r) => !FINAL.has(r.status)).map((r) => ({ user: r.user_id, session: r.external_id, status: r.status }));
  for (const a of accepted) if (!stored.has(key(a.user, a.session))) out.push({ ...a, status: 'missing' });
  return out;
}

/** Polls until nothing is unsettled or `timeoutMs` passed; returns what is left and how long it took. */
export async function settle(url: string, tenantId: string, accepted: ReadonlyArray<{ user: string; session: string }>, timeoutMs: number): Promise<{ left: Unsettled[]; ms: number }> {
  const t0 = Date.now();
  for (;;) {
    const left = await unsettled(url, tenantId, accepted).catch(() => undefined);
    if (left && (!left.length || Date.now() - t0 > timeoutMs)) return { left, ms: Date.now() - t0 };
    if (!left && Date.now() - t0 > timeoutMs) throw new Error(`Postgres did not answer for ${timeoutMs} ms after the scenario`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

export interface Duplicates {
  /** Live facts of the tenant (a scenario that stored none proves nothing); the episodic tier's turns (type 'episode', issue 14) are not facts. */
  facts: number;
  /** Live facts of the user with most (each stream user has 8 distinct facts to tell). */
  mostOfOneUser: number;
  /** Extra live copies of one fact of one user (same text, case-insensitive). */
  live: number;
  /** Facts a session stored twice (same candidate of the same session): processed more than once. */
  rerun: number;
  /** Memories with more than one ADD event. */
  adds: number;
  examples: string[];
}

export async function duplicates(url: string, tenantId: string): Promise<Duplicates> {
  const live = await query<{ user_id: string; t: string; n: number }>(
    url,
    `SELECT user_id, lower(text) AS t, count(*)::int AS n FROM memories
      WHERE tenant_id = $1 AND deleted_at IS NULL AND superseded_by_id IS NULL AND type <> 'episode'
        AND (invalid_at IS NULL OR invalid_at > now()) AND (expired_at IS NULL OR expired_at > now())
      GROUP BY 1, 2 HAVING count(*) > 1`,
    [tenantId],
  );
  const rerun = await query<{ session_id: string; k: string; n: number }>(
    url,
    `SELECT session_id, metadata->>'candidateKey' AS k, count(*)::int AS n FROM memories
      WHERE tenant_id = $1 AND session_id IS NOT NULL AND metadata ? 'candidateKey'
      GROUP BY 1, 2 HAVING count(*) > 1`,
    [tenantId],
  );
  const adds = await query<{ memory_id: string; n: number }>(
    url,
    `SELECT memory_id, count(*)::int AS n FROM memory_events WHERE tenant_id = $1 AND event = 'ADD' GROUP BY 1 HAVING count(*) > 1`,
    [tenantId],
  );
  const facts = await query<{ n: number; most: number }>(
    url,
    `SELECT coalesce(sum(n), 0)::int AS n, coalesce(max(n), 0)::int AS most FROM (SELECT user_id, count(*) AS n FROM memories
      WHERE tenant_id = $1 AND deleted_at IS NULL AND superseded_by_id IS NULL AND type <> 'episode' GROUP BY 1) per_user`,
    [tenantId],
  );
  const extra = (rows: Array<{ n: number }>) => rows.reduce((s, r) => s + r.n - 1, 0);
  return {
    facts: facts[0]?.n ?? 0,
    mostOfOneUser: facts[0]?.most ?? 0,
    live: extra(live),
    rerun: extra(rerun),
    adds: extra(adds),
    examples: [...live.slice(0, 5).map((r) => `${r.user_id}: "${r.t}" ×${r.n}`), ...rerun.slice(0, 3).map((r) => `session row ${r.session_id}: one candidate stored ×${r.n}`)],
  };
}
