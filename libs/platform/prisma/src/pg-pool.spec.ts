import { Client } from 'pg';
import { createPgPool, PrismaService } from './prisma.service';
import { createTestDatabase, type TestDatabase } from './testing/test-database';

/**
 * A server that ends a connection the app holds checked out between queries (Postgres stopping:
 * 57P01) must not crash the process with an unhandled 'error' event (fault suite, pg-stop).
 */
describe('pg pool under Prisma: connection loss while a connection is checked out (real Postgres)', () => {
  let db: TestDatabase;
  let admin: Client;
  beforeAll(async () => {
    db = await createTestDatabase('pgpool');
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await db.drop();
  });

  it('survives a terminated checked-out connection, logs it once, and drops it from the pool', async () => {
    const warnings: string[] = [];
    const pool = createPgPool({ databaseUrl: db.url, poolSize: 2 }, { warn: (m: string) => warnings.push(m) });
    try {
      const held = await pool.connect();
      const pid = (await held.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      // between queries: pg-pool has no listener on a checked-out client; without ours this throws
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      for (let i = 0; i < 50 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(warnings).toEqual([expect.stringMatching(/^Postgres connection lost: terminating connection due to administrator command/)]);
      await expect(held.query('SELECT 1')).rejects.toThrow();
      held.release(true);
      // the pool serves a fresh connection afterwards
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('PrismaService runs on that pool and answers again after its connections were terminated', async () => {
    const prisma = new PrismaService({ databaseUrl: db.url, poolSize: 2 });
    try {
      await prisma.ping();
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
      await new Promise((r) => setTimeout(r, 100));
      await prisma.ping();
    } finally {
      await prisma.$disconnect();
    }
  });
});
