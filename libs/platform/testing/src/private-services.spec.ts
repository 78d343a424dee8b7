import { Client } from 'pg';
import { Redis } from 'ioredis';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from './private-services';

const count = async (url: string) => {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants')).rows[0]?.n;
  } finally {
    await c.end();
  }
};

describe('private Postgres and Redis instances (fault injection)', () => {
  let pg: PrivatePostgres | undefined;
  let redis: PrivateRedis | undefined;
  afterAll(async () => {
    await pg?.dispose();
    await redis?.dispose();
  });

  it('Postgres: migrated on a free port; stop refuses connections; start and kill/start keep the data', async () => {
    pg = await startPrivatePostgres();
    expect(pg.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/frontier$/);
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    await c.query(`INSERT INTO tenants (id, name) VALUES (gen_random_uuid(), 'kept')`);
    await c.end();

    await pg.stop();
    expect(pg.running).toBe(false);
    await expect(count(pg.url)).rejects.toThrow(/ECONNREFUSED/);
    await pg.start();
    expect(await count(pg.url)).toBe(1);
    await pg.kill();
    await expect(count(pg.url)).rejects.toThrow(/ECONNREFUSED/);
    await pg.restart();
    expect(await count(pg.url)).toBe(1);
  }, 60_000);

  it('Redis: stop/start comes back empty without persistence; kill drops connections', async () => {
    redis = await startPrivateRedis();
    const client = new Redis(redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 100, lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    await client.set('k', 'v');
    await redis.kill();
    await expect(client.get('k')).rejects.toThrow();
    await redis.start();
    // ioredis reconnects by itself (retryStrategy)
    for (let i = 0; i < 50 && client.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await client.get('k')).toBeNull();
    client.disconnect();
    await redis.stop();
    expect(redis.running).toBe(false);
  }, 30_000);
});
