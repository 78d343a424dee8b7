import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { applyMigrations, migrationsFingerprint } from '../migrations';

/** The Postgres the tests use: `DATABASE_URL` (set by tools/services) or the loopback default. */
export function baseDatabaseUrl(): string {
  return process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/frontier';
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
// One lock for template building and cloning, so parallel suites never race on the template.
const TEMPLATE_LOCK = 4_242_001;

export interface TestDatabase {
  /** Connection URL of this suite's private database. */
  url: string;
  name: string;
  /** Drops the database (closing any connection left open). */
  drop(): Promise<void>;
}

function testDbName(label: string): string {
  return `frontier_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase().slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}

function handle(name: string): TestDatabase {
  return {
    url: withDatabase(baseDatabaseUrl(), name),
    name,
    async drop() {
      const c = await adminClient();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

async function adminClient(): Promise<Client> {
  const client = new Client({ connectionString: withDatabase(baseDatabaseUrl(), 'postgres') });
  await client.connect();
  return client;
}

async function exists(client: Client, name: string): Promise<boolean> {
  const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * A fresh database for one test suite, cloned from a template migrated once per migration set
 * (`frontier_tpl_<fingerprint>`): suites never see each other's rows and may run in parallel.
 */
export async function createTestDatabase(label = 'suite'): Promise<TestDatabase> {
  const template = `frontier_tpl_${migrationsFingerprint()}`;
  const name = testDbName(label);
  const admin = await adminClient();
  try {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    if (!(await exists(admin, template))) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${quote(building)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${quote(building)}`);
      await applyMigrations(withDatabase(baseDatabaseUrl(), building));
      await admin.query(`ALTER DATABASE ${quote(building)} RENAME TO ${quote(template)}`);
      await admin.query(`ALTER DATABASE ${quote(template)} WITH IS_TEMPLATE true`);
    }
    await admin.query(`CREATE DATABASE ${quote(name)} TEMPLATE ${quote(template)}`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await admin.end();
  }
  return handle(name);
}

/** An empty database (no migrations), for testing the migration runner itself. */
export async function createEmptyDatabase(label = 'empty'): Promise<TestDatabase> {
  const name = testDbName(label);
  const admin = await adminClient();
  try {
    await admin.query(`CREATE DATABASE ${quote(name)}`);
  } finally {
    await admin.end();
  }
  return handle(name);
}
