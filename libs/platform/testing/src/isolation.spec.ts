import { Client } from 'pg';
import { createTestDatabase, createTestRedis } from './index';

describe('per-suite isolation (real Postgres + Redis)', () => {
  it('each test database is a migrated private copy; rows never leak between them', async () => {
    const [a, b] = await Promise.all([createTestDatabase('iso_a'), createTestDatabase('iso_b')]);
    expect(a.name).not.toBe(b.name);
    const ca = new Client({ connectionString: a.url });
    const cb = new Client({ connectionString: b.url });
    await Promise.all([ca.connect(), cb.connect()]);
    await ca.query(`INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'only-in-a')`);
    expect((await ca.query('SELECT count(*)::int AS n FROM tenants')).rows[0].n).toBe(1);
    expect((await cb.query('SELECT count(*)::int AS n FROM tenants')).rows[0].n).toBe(0);
    await Promise.all([ca.end(), cb.end()]);
    await Promise.all([a.drop(), b.drop()]);
    const admin = new Client({ connectionString: a.url.replace(a.name, 'postgres') });
    await admin.connect();
    const left = await admin.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [[a.name, b.name]]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });

  it('each Redis namespace is private and removed by cleanup', async () => {
    const [a, b] = await Promise.all([createTestRedis('a'), createTestRedis('b')]);
    await a.client.set(`${a.prefix}:k`, '1');
    expect(await b.client.keys(`${b.prefix}*`)).toEqual([]);
    const probe = a.client.duplicate();
    await a.cleanup();
    expect(await probe.keys(`${a.prefix}*`)).toEqual([]);
    probe.disconnect();
    await b.cleanup();
  });
});
