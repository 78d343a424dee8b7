/**
 * The live-row cache's version check, batched across concurrent searches (issue 14, search
 * throughput): the checks asked for within one event-loop turn go to Postgres as ONE prepared
 * statement over `unnest($1, $2)`, and searches of the same user in that turn share its row.
 *
 * Read-your-writes holds as with one statement per search: the statement is sent after every
 * check it answers was asked (on `setImmediate`, after the turn in which they arrived), so a write
 * committed before a search asked sees its change in the answer, whichever replica committed it.
 */

/** The user's sync version and biography digest (see STAMPS_SQL). */
export interface StampRow {
  devices: string | null;
  inc: string | null;
  top: string | null;
  bio: string | null;
}

/**
 * Per (tenant, user) pair of `$1`/`$2`, in their order: device counters and floors, the newest
 * change id, the digest of the sync key and of the stored biography — the same four sub-selects
 * the one-user statement ran, each an index lookup on (tenant_id, user_id, …).
 */
export const STAMPS_SQL = `SELECT
  (SELECT json_agg(json_build_array(device_id, counter, floor) ORDER BY device_id)::text FROM memory_sync_devices d WHERE d.tenant_id = q.t AND d.user_id = q.u) AS devices,
  (SELECT max(id)::text FROM memory_sync_changes c WHERE c.tenant_id = q.t AND c.user_id = q.u) AS top,
  (SELECT md5(key) FROM memory_sync_keys k WHERE k.tenant_id = q.t AND k.user_id = q.u) AS inc,
  (SELECT md5(fingerprint || '|' || built_at::text || '|' || stale::text || '|' || generator || '|' || text) FROM biographies b WHERE b.tenant_id = q.t AND b.user_id = q.u) AS bio
FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS q(t, u, i) ORDER BY q.i`;

/** Runs {@link STAMPS_SQL} for these pairs; one row per pair, in order. */
export type StampQuery = (tenantIds: string[], userIds: string[]) => Promise<StampRow[]>;

interface Waiter {
  resolve: (row: StampRow) => void;
  reject: (e: unknown) => void;
}

interface Pending {
  tenantId: string;
  userId: string;
  waiters: Waiter[];
}

export class StampBatcher {
  /** Checks asked this turn, by tenant + user (null: none waiting, no flush scheduled). */
  private pending: Map<string, Pending> | null = null;
  /** Statements sent and checks answered (tests, metrics): checks / statements = the batching achieved. */
  readonly stats = { statements: 0, users: 0, checks: 0 };

  constructor(private readonly run: StampQuery) {}

  /** The user's stamp, from a statement sent after this call (shared with the other checks of this turn). */
  get(tenantId: string, userId: string): Promise<StampRow> {
    let batch = this.pending;
    if (!batch) {
      batch = this.pending = new Map();
      setImmediate(() => this.flush());
    }
    const key = `${tenantId}\u0000${userId}`;
    let p = batch.get(key);
    if (!p) batch.set(key, (p = { tenantId, userId, waiters: [] }));
    this.stats.checks++;
    return new Promise<StampRow>((resolve, reject) => (p as Pending).waiters.push({ resolve, reject }));
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = null;
    if (!batch?.size) return;
    const items = [...batch.values()];
    this.stats.statements++;
    this.stats.users += items.length;
    this.run(
      items.map((p) => p.tenantId),
      items.map((p) => p.userId),
    ).then(
      (rows) => {
        items.forEach((p, i) => {
          const row = rows[i];
          for (const w of p.waiters) {
            if (row) w.resolve(row);
            else w.reject(new Error(`version check: no row for user ${i} of ${items.length}`));
          }
        });
      },
      (e: unknown) => {
        for (const p of items) for (const w of p.waiters) w.reject(e);
      },
    );
  }
}
