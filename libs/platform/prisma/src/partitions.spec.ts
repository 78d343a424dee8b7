import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from './testing/test-database';
import { createPartitionsAhead } from './migrations';
import { DayPartitions, describeMaintenance, maintainDayPartitions, partitionsAheadArg, retentionCutoff, type SqlQuery } from './partitions';

// The generic day-partition functions (migration 20261203000000) on a log of this suite's own,
// `platform_test_log`, in a database cloned from the migrated template.
describe('day-partitioned logs on a real Postgres', () => {
  let db: TestDatabase;
  let client: Client;
  let query: SqlQuery;
  let log: DayPartitions;
  const where = async () =>
    (await client.query<{ part: string; id: number }>(`SELECT tableoid::regclass::text AS part, id FROM platform_test_log ORDER BY id`)).rows.map((r) => [r.id, r.part]);
  const insert = (id: number, at: string) => client.query(`INSERT INTO platform_test_log (id, at) VALUES ($1, $2)`, [id, at]);

  beforeAll(async () => {
    db = await createTestDatabase('partitions');
    client = new Client({ connectionString: db.url });
    await client.connect();
    query = async <T>(sql: string, params: readonly unknown[]) => (await client.query(sql, [...params])).rows as T[];
    await client.query(`CREATE TABLE platform_test_log (id INT NOT NULL, at TIMESTAMPTZ NOT NULL, note TEXT NOT NULL DEFAULT 'x', PRIMARY KEY (id, at)) PARTITION BY RANGE (at)`);
    await client.query(`CREATE TABLE platform_test_log_default PARTITION OF platform_test_log DEFAULT`);
    log = new DayPartitions(query, 'platform_test_log');
  }, 30_000);
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('partitions ahead route each UTC day; rows the default caught move into their day when it is created; a second run creates none', async () => {
    await insert(1, '2031-01-02T23:59:59.999Z'); // no partition yet: the default keeps it
    expect(await log.defaultRows()).toBe(1);
    expect(await log.ensure(new Date('2031-01-01T18:00:00Z'), 3)).toBe(3);
    expect(await log.ensure(new Date('2031-01-01T18:00:00Z'), 3)).toBe(0);
    expect(await log.list()).toEqual(['platform_test_log_20310101', 'platform_test_log_20310102', 'platform_test_log_20310103']);
    await insert(2, '2031-01-03T00:00:00Z');
    await insert(3, '2031-01-01T00:00:00Z');
    expect(await where()).toEqual([
      [1, 'platform_test_log_20310102'],
      [2, 'platform_test_log_20310103'],
      [3, 'platform_test_log_20310101'],
    ]);
    expect(await log.defaultRows()).toBe(0);
    // ATTACH gave each partition the parent's primary key
    await expect(insert(2, '2031-01-03T00:00:00Z')).rejects.toThrow(/duplicate key/);
  }, 30_000);

  it('retention drops whole day partitions before the cutoff, keeps the recent ones, moves (and counts) default rows before dropping; idempotent', async () => {
    await log.ensure(new Date('2031-01-10T00:00:00Z'), 2); // 01-10, 01-11
    await insert(4, '2030-12-25T08:00:00Z'); // an old day with no partition: waits in the default
    await insert(5, '2031-01-10T08:00:00Z');
    const now = new Date('2031-01-11T12:00:00Z');
    const first = await maintainDayPartitions(log, now, { ahead: 2, retentionDays: 8 }); // keeps 01-03 …
    expect(retentionCutoff(now, 8).toISOString()).toBe('2031-01-03T00:00:00.000Z');
    expect(first).toEqual({ created: 1, adoptedFromDefault: 1, dropped: ['platform_test_log_20301225', 'platform_test_log_20310101', 'platform_test_log_20310102'] });
    expect(await log.list()).toEqual(['platform_test_log_20310103', 'platform_test_log_20310110', 'platform_test_log_20310111', 'platform_test_log_20310112']);
    expect(await where()).toEqual([
      [2, 'platform_test_log_20310103'],
      [5, 'platform_test_log_20310110'],
    ]);
    expect(describeMaintenance('platform_test_log', first)).toBe(
      'platform_test_log: 1 day partition(s) created ahead; 1 row(s) moved out of platform_test_log_default into their day\'s partition; retention dropped 3 partition(s): platform_test_log_20301225, platform_test_log_20310101, platform_test_log_20310102',
    );
    const again = await maintainDayPartitions(log, now, { ahead: 2, retentionDays: 8 });
    expect(again).toEqual({ created: 0, adoptedFromDefault: 0, dropped: [] });
    expect(describeMaintenance('platform_test_log', again)).toBeNull();
  }, 30_000);

  it('a drop blocked by a long read of the log gives up after 5 s instead of holding up the writers queued behind it (the job retries), and succeeds once the read is done', async () => {
    await log.ensure(new Date('2029-06-01T00:00:00Z'), 1);
    const reader = new Client({ connectionString: db.url });
    await reader.connect();
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM platform_test_log'); // an OPE scan holding its lock
    const t0 = Date.now();
    await expect(log.dropBefore(new Date('2029-06-02T00:00:00Z'))).rejects.toThrow(/lock timeout/);
    expect(Date.now() - t0).toBeLessThan(15_000);
    await reader.query('COMMIT');
    await reader.end();
    expect((await log.dropBefore(new Date('2029-06-02T00:00:00Z'))).dropped).toEqual(['platform_test_log_20290601']);
  }, 30_000);

  it('the migration runner makes partitions ahead for every day-partitioned log it finds (product tables included), and none twice', async () => {
    const now = new Date('2032-06-01T10:00:00Z');
    const first = await createPartitionsAhead(db.url, 14, now);
    expect(first).toEqual({ multimodal_usage: 14, platform_test_log: 14, recsys_impressions: 14 });
    expect(await createPartitionsAhead(db.url, 14, now)).toEqual({ multimodal_usage: 0, platform_test_log: 0, recsys_impressions: 0 });
    const names = await log.list();
    expect(names).toContain('platform_test_log_20320601');
    expect(names).toContain('platform_test_log_20320614');
    expect(names).not.toContain('platform_test_log_20320615');
    // a range-partitioned table without the <table>_default convention is not touched
    await client.query(`CREATE TABLE other_log (at TIMESTAMPTZ NOT NULL) PARTITION BY RANGE (at)`);
    expect(Object.keys(await createPartitionsAhead(db.url, 1, now))).not.toContain('other_log');
  }, 30_000);

  it('refuses a table name it would have to quote, and a table that is not range-partitioned', async () => {
    expect(() => new DayPartitions(query, 'x"; DROP TABLE tenants; --')).toThrow(/bad table name/);
    await client.query(`CREATE TABLE plain_log (at TIMESTAMPTZ NOT NULL)`);
    await expect(new DayPartitions(query, 'plain_log').ensure(new Date(), 1)).rejects.toThrow(/not range-partitioned on one column/);
  });
});

describe('--partitions-ahead', () => {
  it('defaults to 14 days; takes N or =N; 0 skips; refuses anything else, naming the flag', () => {
    expect(partitionsAheadArg([])).toBe(14);
    expect(partitionsAheadArg(['--partitions-ahead', '30'])).toBe(30);
    expect(partitionsAheadArg(['--partitions-ahead=0'])).toBe(0);
    for (const bad of [['--partitions-ahead'], ['--partitions-ahead', '-1'], ['--partitions-ahead=1.5'], ['--partitions-ahead', '400']]) {
      expect(() => partitionsAheadArg(bad)).toThrow(/--partitions-ahead must be a whole number of days from 0 to 366/);
    }
  });
});
