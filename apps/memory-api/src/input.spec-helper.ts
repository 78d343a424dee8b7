import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule } from './app.module';
import { MemoryApiEnv } from './env';

/**
 * memory-api as production builds it (createHttpApp on real Postgres and Redis, default models),
 * with a tenant key and a row count of every table, for the input-validation specs: a refused
 * request must leave every count as it was.
 */
export interface InputHarness {
  http: ReturnType<typeof request>;
  auth: { authorization: string };
  /** Rows per table (migrations bookkeeping left out). */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startMemoryApi(label: string): Promise<InputHarness> {
  const db: TestDatabase = await createTestDatabase(label);
  const redis: TestRedis = await createTestRedis(label.replace(/_/g, ''));
  // the per-key rate limit is off: these specs send hundreds of requests a minute with one key
  const env = loadEnv(MemoryApiEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, RATE_LIMIT_PER_KEY: '0' });
  const app: INestApplication = await createHttpApp(AppModule.register(env, {}), { service: 'memory-api', logger: false });
  await app.init();
  const tenancy = app.get(TenancyService);
  const tenant = await tenancy.createTenant('acme');
  const key = (await tenancy.issueKey(tenant.id, 'rw', ['memory:*'])).key;
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const tables = (await pg.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations' ORDER BY 1`)).rows.map((r) => r.t);
  return {
    http: request(app.getHttpServer()),
    auth: { authorization: `Bearer ${key}` },
    counts: async () => {
      const row = (await pg.query<Record<string, string>>(`SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`).join(', ')}`)).rows[0] ?? {};
      return Object.fromEntries(Object.entries(row).map(([t, n]) => [t, Number(n)]));
    },
    close: async () => {
      await pg.end();
      await app.close();
      await redis.cleanup();
      await db.drop();
    },
  };
}
