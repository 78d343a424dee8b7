import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@frontier/platform-testing';
import { runCli } from '../cli';
import { countImpressions, readImpressionLog, readImpressions, type ImpressionRow } from './postgres';

/**
 * The impression log reader on a real Postgres: a private database cloned from the migrated
 * template, so recsys_impressions (partitioned by day) and recsys_events are the migration's own
 * (libs/platform/prisma/prisma/migrations/20261201235000_recsys_init).
 */
const TENANT = '0b7a2f0e-5c1d-4e8f-9a3b-6d4c2e1f0a01';
const OTHER = '0b7a2f0e-5c1d-4e8f-9a3b-6d4c2e1f0a02';
const R = Array.from({ length: 5 }, () => randomUUID());

interface Shown {
  request: string;
  tenant: string;
  position: number;
  item: string;
  propensity: number;
  score: number;
  surface: string;
  at: string;
  explored?: boolean;
}

const SHOWN: Shown[] = [
  // request 0 (home, 1 March): items b, a, c; b is clicked
  { request: R[0], tenant: TENANT, position: 0, item: 'b', propensity: 0.9, score: 0.8, surface: 'home', at: '2025-03-01T10:00:00Z' },
  { request: R[0], tenant: TENANT, position: 1, item: 'a', propensity: 0.8, score: 0.5, surface: 'home', at: '2025-03-01T10:00:00Z' },
  { request: R[0], tenant: TENANT, position: 2, item: 'c', propensity: 0.05, score: 0.1, surface: 'home', at: '2025-03-01T10:00:00Z', explored: true },
  // request 1 (home, 2 March): a purchased, b skipped
  { request: R[1], tenant: TENANT, position: 0, item: 'a', propensity: 0.5, score: 0.7, surface: 'home', at: '2025-03-02T10:00:00Z' },
  { request: R[1], tenant: TENANT, position: 1, item: 'b', propensity: 0.5, score: 0.9, surface: 'home', at: '2025-03-02T10:00:00Z' },
  // request 2 (search, 2 March noon): d clicked twice (one reward), e clicked by a flagged bot
  { request: R[2], tenant: TENANT, position: 0, item: 'd', propensity: 0.25, score: 0.3, surface: 'search', at: '2025-03-02T12:00:00Z' },
  { request: R[2], tenant: TENANT, position: 1, item: 'e', propensity: 0.2, score: 0.2, surface: 'search', at: '2025-03-02T12:00:00Z' },
  // request 3 (home, 3 March): a clicked
  { request: R[3], tenant: TENANT, position: 0, item: 'a', propensity: 1, score: 0.6, surface: 'home', at: '2025-03-03T10:00:00Z' },
  // another tenant's request with the same items: never read for TENANT
  { request: R[4], tenant: OTHER, position: 0, item: 'a', propensity: 0.5, score: 0.4, surface: 'home', at: '2025-03-02T10:00:00Z' },
];

const EVENTS: { tenant: string; request: string | null; item: string; type: string; flagged?: boolean; at: string }[] = [
  { tenant: TENANT, request: R[0], item: 'b', type: 'click', at: '2025-03-01T10:00:05Z' },
  { tenant: TENANT, request: R[0], item: 'z', type: 'click', at: '2025-03-01T10:00:06Z' }, // not shown in R0
  { tenant: TENANT, request: R[1], item: 'a', type: 'purchase', at: '2025-03-02T10:05:00Z' },
  { tenant: TENANT, request: R[1], item: 'b', type: 'skip', at: '2025-03-02T10:00:02Z' },
  { tenant: TENANT, request: R[2], item: 'd', type: 'click', at: '2025-03-02T12:00:03Z' },
  { tenant: TENANT, request: R[2], item: 'd', type: 'click', at: '2025-03-02T12:00:09Z' },
  { tenant: TENANT, request: R[2], item: 'e', type: 'click', flagged: true, at: '2025-03-02T12:00:01Z' },
  { tenant: TENANT, request: R[3], item: 'a', type: 'click', at: '2025-03-03T10:01:00Z' },
  { tenant: TENANT, request: null, item: 'a', type: 'click', at: '2025-03-03T11:00:00Z' }, // not from a recommendation
  { tenant: OTHER, request: R[4], item: 'a', type: 'click', at: '2025-03-02T10:00:01Z' },
];

const rowsOf = async (gen: AsyncGenerator<ImpressionRow[]>) => {
  const out: ImpressionRow[][] = [];
  for await (const batch of gen) out.push(batch);
  return out;
};

describe('the impression log reader on a real Postgres', () => {
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase('ope_cli');
    client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(`INSERT INTO tenants (id, name) VALUES ($1, 'acme'), ($2, 'other')`, [TENANT, OTHER]);
    for (const s of SHOWN) {
      await client.query(
        `INSERT INTO recsys_impressions (request_id, position, tenant_id, user_id, item_id, surface, model_version, policy, propensity, score, explored, shown_at)
         VALUES ($1, $2, $3, 'u1', $4, $5, 'v1', 'epsilon-greedy', $6, $7, $8, $9)`,
        [s.request, s.position, s.tenant, s.item, s.surface, s.propensity, s.score, s.explored ?? false, s.at],
      );
    }
    const batch = randomUUID();
    for (const [k, e] of EVENTS.entries()) {
      await client.query(
        `INSERT INTO recsys_events (tenant_id, event_id, batch_id, user_id, item_id, category, type, request_id, at, flagged)
         VALUES ($1, $2, $3, 'u1', $4, 'shoes', $5, $6, $7, $8)`,
        [e.tenant, `ev-${k}`, batch, e.item, e.type, e.request, e.at, e.flagged ?? false],
      );
    }
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('joins clicks on request and item, ignores flagged, unrelated and other-tenant events, and orders by time', async () => {
    const [rows] = await rowsOf(readImpressions(client, { tenant: TENANT }));
    expect(rows.map((r) => [r.requestId, r.position, r.itemId, r.reward])).toEqual([
      [R[0], 0, 'b', 1],
      [R[0], 1, 'a', 0],
      [R[0], 2, 'c', 0],
      [R[1], 0, 'a', 0], // a purchase is not a click
      [R[1], 1, 'b', 0], // a skip is not a reward
      [R[2], 0, 'd', 1], // two clicks: one reward
      [R[2], 1, 'e', 0], // the bot's click is flagged
      [R[3], 0, 'a', 1],
    ]);
    expect(rows[2]).toMatchObject({ propensity: 0.05, score: 0.1, explored: true });
  });

  it('counts the reward types asked for, and filters by window and surface', async () => {
    const [both] = await rowsOf(readImpressions(client, { tenant: TENANT, rewardTypes: ['click', 'purchase'] }));
    expect(both.map((r) => r.reward)).toEqual([1, 0, 0, 1, 0, 1, 0, 1]);
    const [purchases] = await rowsOf(readImpressions(client, { tenant: TENANT, rewardTypes: ['purchase'] }));
    expect(purchases.map((r) => r.reward)).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
    const window = { tenant: TENANT, since: new Date('2025-03-02T00:00:00Z'), until: new Date('2025-03-03T00:00:00Z') };
    const [day2] = await rowsOf(readImpressions(client, window));
    expect(day2.map((r) => r.requestId)).toEqual([R[1], R[1], R[2], R[2]]);
    expect(await countImpressions(client, window)).toBe(4);
    const [home] = await rowsOf(readImpressions(client, { ...window, surface: 'home' }));
    expect(home.map((r) => r.itemId)).toEqual(['a', 'b']);
    expect(await countImpressions(client, { tenant: OTHER })).toBe(1);
  });

  it('streams through a cursor in batches and leaves no transaction open', async () => {
    const batches = await rowsOf(readImpressions(client, { tenant: TENANT }, 3));
    expect(batches.map((b) => b.length)).toEqual([3, 3, 2]);
    // outside a transaction now() is the statement's own start; no cursor is left
    const idle = async () => (await client.query<{ idle: boolean }>('SELECT now() = statement_timestamp() AND NOT EXISTS (SELECT 1 FROM pg_cursors) AS idle')).rows[0].idle;
    expect(await idle()).toBe(true);
    // stopping early (a consumer that breaks out) rolls the cursor's transaction back
    for await (const batch of readImpressions(client, { tenant: TENANT }, 2)) {
      expect(await idle()).toBe(false); // the check itself sees the open cursor
      if (batch.length) break;
    }
    expect(await idle()).toBe(true);
    const again = await rowsOf(readImpressions(client, { tenant: TENANT }, 100));
    expect(again[0]).toHaveLength(8);
  });

  it('builds logged feedback: sorted item ids as actions, requests, scores, positions', async () => {
    const progress: [number, number][] = [];
    const log = await readImpressionLog(client, { tenant: TENANT }, { batchSize: 5, onProgress: (r, t) => progress.push([r, t]) });
    expect(log.actionIds).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(Array.from(log.action)).toEqual([1, 0, 2, 0, 1, 3, 4, 0]);
    expect(Array.from(log.position)).toEqual([0, 1, 2, 0, 1, 0, 1, 0]);
    expect(Array.from(log.requestOf ?? [])).toEqual([0, 0, 0, 1, 1, 2, 2, 3]);
    expect(Array.from(log.reward)).toEqual([1, 0, 0, 0, 0, 1, 0, 1]);
    expect(Array.from(log.pscore)).toEqual([0.9, 0.8, 0.05, 0.5, 0.5, 0.25, 0.2, 1]);
    expect(log).toMatchObject({ nActions: 5, lenList: 3, requests: 4, exploredRows: 1 });
    expect(progress).toEqual([
      [5, 8],
      [8, 8],
    ]);
    await expect(readImpressionLog(client, { tenant: TENANT }, { nActions: 3 })).rejects.toThrow('--n-actions 3 is below the 5 distinct items in the log');
    await expect(readImpressionLog(client, { tenant: TENANT, since: new Date('2030-01-01T00:00:00Z') })).rejects.toThrow(
      `recsys_impressions has no rows for tenant ${TENANT} (since 2030-01-01T00:00:00.000Z)`,
    );
  });

  describe('frontier-ope --db end to end', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'frontier-ope-db-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    async function cli(argv: string[]) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } });
      return { code, stdout: out.join(''), stderr: err.join('') };
    }

    it('evaluates logged, uniform and a static file naming an item never shown; refuses a greedy policy (biased on a log)', async () => {
      const greedy = await cli(['--db', db.url, '--tenant', TENANT, '--policy', 'greedy:score']);
      expect(greedy.code).toBe(2);
      expect(greedy.stderr).toMatch(/greedy:score: the impression log keeps a score only for the items each request showed/);
      const file = join(dir, 'p.json');
      writeFileSync(file, JSON.stringify({ a: 0.5, f: 0.5 }));
      const r = await cli(['--db', db.url, '--tenant', TENANT, '--policy', 'logged', '--policy', 'uniform', '--policy', `static:${file}`, '--bootstrap', '200', '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc).toMatchObject({ rows: 8, actions: 6, positions: 3, loggedMean: 3 / 8 });
      expect(doc.source).toMatchObject({ kind: 'postgres', tenant: TENANT, requests: 4, exploredRows: 1, rewardTypes: ['click'], actionSet: 'distinct items in the window' });
      const ips = (name: string) => doc.policies.find((p: { name: string }) => p.name === name).estimates.ips.estimate;
      expect(ips('logged')).toBeCloseTo(3 / 8, 12);
      // uniform over 6 actions: Σ r/(6 p) / 8 over the clicked rows (p = 0.9, 0.25, 1)
      expect(ips('uniform')).toBeCloseTo((1 / 6 / 0.9 + 1 / 6 / 0.25 + 1 / 6 / 1) / 8, 12);
      // static {a: 0.5, f: 0.5}: f was never shown, so the rows carry half the policy's mass (mean weight flags it)
      const st = doc.policies.find((p: { name: string }) => p.name === `static:${file}`);
      expect(st.estimates.ips.estimate).toBeCloseTo((0.5 / 1) / 8, 12);
      expect(st.reliable).toBe(false);
      expect(st.warnings.join('; ')).toMatch(/mean importance weight 0\.\d+ is far from 1/);
    });

    it('fails with exit code 1 and one line when the database cannot be reached', async () => {
      const bad = new URL(db.url);
      bad.port = '1';
      const r = await cli(['--db', bad.toString(), '--tenant', TENANT]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^frontier-ope: error: .*ECONNREFUSED.*\n$/);
    });
  });
});
