import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { ensurePartitionsAhead, type SqlQuery } from './partitions';

/** The migrations folder shipped with this library (Prisma's layout). */
export const MIGRATIONS_DIR = resolve(__dirname, '../prisma/migrations');

/** Prisma takes this advisory lock around `migrate deploy`; we take the same one. */
const PRISMA_ADVISORY_LOCK = 72707369;

export interface MigrationFile {
  name: string;
  sql: string;
  /** SHA-256 of the file, hex: what Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

/** Thrown when the database and the migration files disagree; nothing is applied. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Reads `<dir>/<stamp>_<name>/migration.sql` in name order, as Prisma does. */
export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** A short fingerprint of the whole migration set (names + checksums). */
export function migrationsFingerprint(dir = MIGRATIONS_DIR): string {
  const h = createHash('sha256');
  for (const m of readMigrations(dir)) h.update(`${m.name}:${m.checksum}\n`);
  return h.digest('hex').slice(0, 12);
}

// Same shape as the table `prisma migrate deploy` creates, so either tool can take over.
const BOOKKEEPING_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Creates the database named in `url` when it does not exist (connecting to `postgres`). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const dbName = decodeURIComponent(target.pathname.slice(1));
  if (!dbName) throw new MigrationError(`DATABASE_URL has no database name: ${target.host}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
    return true;
  } catch (e) {
    // a concurrent creator won the race: fine
    if ((e as { code?: string }).code === '42P04') return false;
    throw e;
  } finally {
    await client.end();
  }
}

/** Names of migrations in `dir` that the database has not applied. */
export async function pendingMigrations(url: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
    const done = new Set<string>();
    if (exists.rows[0].t) {
      const rows = await client.query<AppliedRow>(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`);
      for (const r of rows.rows) done.add(r.migration_name);
    }
    return readMigrations(dir).map((m) => m.name).filter((n) => !done.has(n));
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations the way `prisma migrate deploy` does, without its schema engine:
 * under Prisma's advisory lock, each migration in its own transaction together with its
 * `_prisma_migrations` row. Refuses to run when an applied migration's file was edited, when a
 * migration is recorded as failed, or when the database has migrations the files do not.
 */
export async function applyMigrations(url: string, dir = MIGRATIONS_DIR): Promise<MigrationReport> {
  const files = readMigrations(dir);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(BOOKKEEPING_DDL);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
    );
    const byName = new Map(files.map((f) => [f.name, f]));
    const done = new Set<string>();
    for (const row of rows) {
      if (row.rolled_back_at) continue;
      if (!row.finished_at) {
        throw new MigrationError(`migration ${row.migration_name} failed earlier and is not rolled back; fix the database, then mark it rolled back (P3009)`);
      }
      const file = byName.get(row.migration_name);
      if (!file) throw new MigrationError(`the database has migration ${row.migration_name}, which is not in ${dir}`);
      if (file.checksum !== row.checksum) throw new MigrationError(`migration ${row.migration_name} was edited after it was applied (checksum differs)`);
      done.add(row.migration_name);
    }
    const report: MigrationReport = { applied: [], alreadyApplied: [...done] };
    for (const file of files) {
      if (done.has(file.name)) continue;
      const id = randomUUID();
      await client.query('BEGIN');
      try {
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
          [id, file.checksum, file.name],
        );
        await client.query(file.sql);
        await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${file.name} failed and was rolled back: ${(e as Error).message}`);
      }
      report.applied.push(file.name);
    }
    return report;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/**
 * After migrating: day partitions for today … today + `days` - 1 (UTC) of every day-partitioned log
 * (`platform_day_partitioned_tables()`), so a fresh or long-idle database never routes a day's rows
 * to the default partition before a worker's daily job runs. Returns partitions created per table.
 */
export async function createPartitionsAhead(url: string, days: number, now: Date = new Date()): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const query: SqlQuery = async <T>(sql: string, params: readonly unknown[]) => (await client.query(sql, [...params])).rows as T[];
    return await ensurePartitionsAhead(query, days, now);
  } finally {
    await client.end();
  }
}
