/**
 * Day-partitioned logs (issue 17 item 3): tables RANGE-partitioned on one timestamptz column, one
 * partition per UTC day (`<table>_YYYYMMDD`) and a default partition (`<table>_default`). The SQL
 * functions doing the work are in migration 20261203000000_multimodal_usage_partitions; this file
 * is their typed face for repositories (a Prisma client) and for the migration runner (a pg client).
 */

/** The smallest query surface both `PrismaClient` (`$queryRawUnsafe`) and `pg` (`query`) adapt to. */
export type SqlQuery = <T>(sql: string, params: readonly unknown[]) => Promise<T[]>;

/** Partitions made ahead by the migration runner when `--partitions-ahead` is not given. */
export const DEFAULT_PARTITIONS_AHEAD = 14;

/** The migration runner's `--partitions-ahead N` / `--partitions-ahead=N`: whole days, 0 … 366 (0 skips). */
export function partitionsAheadArg(argv: readonly string[]): number {
  const i = argv.findIndex((a) => a === '--partitions-ahead' || a.startsWith('--partitions-ahead='));
  if (i < 0) return DEFAULT_PARTITIONS_AHEAD;
  const raw = argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
  if (raw === undefined || !/^[0-9]+$/.test(raw) || Number(raw) > 366) {
    throw new Error(`--partitions-ahead must be a whole number of days from 0 to 366, got ${JSON.stringify(raw ?? '')}`);
  }
  return Number(raw);
}

/** One retention pass over one table. */
export interface RetentionReport {
  table: string;
  /** Rows the default partition held, moved into partitions of their own day before dropping. */
  adoptedFromDefault: number;
  /** Day partitions dropped, oldest first. */
  dropped: string[];
}

const TABLE = /^[a-z_][a-z0-9_]*$/;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The oldest UTC day kept when `retentionDays` whole days before today are kept (today's partition and those ahead always are). */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - retentionDays * 86_400_000);
}

/** The log line of one maintenance run (null when it changed nothing): what was created, adopted and dropped. */
export function describeMaintenance(table: string, r: PartitionMaintenance): string | null {
  if (!r.created && !r.dropped.length && !r.adoptedFromDefault) return null;
  const parts = [`${r.created} day partition(s) created ahead`];
  if (r.adoptedFromDefault) parts.push(`${r.adoptedFromDefault} row(s) moved out of ${table}_default into their day's partition`);
  parts.push(r.dropped.length ? `retention dropped ${r.dropped.length} partition(s): ${r.dropped.join(', ')}` : 'retention dropped none');
  return `${table}: ${parts.join('; ')}`;
}

/** Day-partition maintenance of one table (its name is checked, then quoted as an identifier). */
export class DayPartitions {
  private readonly regclass: string;

  constructor(
    private readonly query: SqlQuery,
    readonly table: string,
  ) {
    if (!TABLE.test(table)) throw new Error(`DayPartitions: bad table name ${JSON.stringify(table)}`);
    this.regclass = `"${table}"`;
  }

  /** Over a Prisma client (or a transaction of one). */
  static prisma(client: { $queryRawUnsafe<T>(sql: string, ...values: unknown[]): Promise<T> }, table: string): DayPartitions {
    return new DayPartitions(<T>(sql: string, params: readonly unknown[]) => client.$queryRawUnsafe<T[]>(sql, ...params), table);
  }

  /** Partitions for `days` UTC days from `from` (rows the default partition caught for them are moved in); returns how many were created. */
  async ensure(from: Date, days: number): Promise<number> {
    const rows = await this.query<{ n: number }>(`SELECT platform_ensure_day_partitions($1::regclass, $2::date, $3::int) AS n`, [this.regclass, day(from), days]);
    return Number(rows[0]?.n ?? 0);
  }

  /** Names of the day partitions, oldest first. */
  async list(): Promise<string[]> {
    const rows = await this.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass AND c.relname ~ ('^' || $2 || '_[0-9]{8}$') ORDER BY 1`,
      [this.regclass, this.table],
    );
    return rows.map((r) => r.name);
  }

  /** Rows waiting in the default partition. */
  async defaultRows(): Promise<number> {
    const rows = await this.query<{ n: string }>(`SELECT count(*)::text AS n FROM "${this.table}_default"`, []);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Retention: rows in the default partition are first moved into partitions of their own day (so
   * none is dropped unseen: they are counted in the report), then the day partitions of days before
   * `before` (UTC) are dropped whole — never a row-by-row DELETE. Idempotent.
   */
  async dropBefore(before: Date): Promise<RetentionReport> {
    const adopted = await this.query<{ n: string }>(`SELECT platform_adopt_default_rows($1::regclass)::text AS n`, [this.regclass]);
    const dropped = await this.query<{ names: string[] }>(`SELECT platform_drop_day_partitions_before($1::regclass, $2::date) AS names`, [this.regclass, day(before)]);
    return { table: this.table, adoptedFromDefault: Number(adopted[0]?.n ?? 0), dropped: dropped[0]?.names ?? [] };
  }
}

/** What one maintenance run of a table did. */
export interface PartitionMaintenance {
  created: number;
  /** Day partitions dropped by the retention, oldest first. */
  dropped: string[];
  /** Rows the default partition held, moved into their day's partition before the drop. */
  adoptedFromDefault: number;
}

/**
 * A daily maintenance run: partitions for today … today + `ahead` - 1 (UTC), then retention — the
 * default partition's rows moved into their days, and the partitions of days more than
 * `retentionDays` before today dropped whole. Idempotent: a second run the same day does nothing.
 */
export async function maintainDayPartitions(days: DayPartitions, now: Date, o: { ahead: number; retentionDays: number }): Promise<PartitionMaintenance> {
  const created = await days.ensure(now, o.ahead);
  const r = await days.dropBefore(retentionCutoff(now, o.retentionDays));
  return { created, dropped: r.dropped, adoptedFromDefault: r.adoptedFromDefault };
}

/**
 * Partitions for today … today + `days` - 1 (UTC) of every day-partitioned log in the database (found
 * by `platform_day_partitioned_tables()`); nothing when the migrations defining it are not applied.
 * Returns partitions created per table.
 */
export async function ensurePartitionsAhead(query: SqlQuery, days: number, now: Date = new Date()): Promise<Record<string, number>> {
  const fn = await query<{ f: string | null }>(`SELECT to_regprocedure('platform_day_partitioned_tables()')::text AS f`, []);
  if (!fn[0]?.f) return {};
  const rows = await query<{ t: string; n: number }>(
    `SELECT t::text AS t, platform_ensure_day_partitions(t, $1::date, $2::int) AS n FROM platform_day_partitioned_tables() AS t`,
    [day(now), days],
  );
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}
