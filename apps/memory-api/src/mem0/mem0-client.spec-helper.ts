import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule } from '../app.module';
import { MemoryApiEnv } from '../env';

// The client reads these when its module loads: no telemetry (PostHog), no ~/.mem0 writes.
process.env['MEM0_TELEMETRY'] = 'false';
process.env['MEM0_DIR'] = mkdtempSync(join(tmpdir(), 'mem0-'));

export type Mem0 = typeof import('mem0ai');
export type Client = InstanceType<Mem0['MemoryClient']>;

/** memory-api on loopback (real Postgres and Redis), the official client module, and every URL a request went to off loopback. */
export interface Mem0ClientHarness {
  api: INestApplication;
  mem0: Mem0;
  /** `http://127.0.0.1:<port>/mem0` */
  host: string;
  tenancy: TenancyService;
  /** URLs fetched that were not on 127.0.0.1 (must stay empty). */
  outbound: string[];
  /** A new tenant and a `memory:*` key for it. */
  tenant(name: string): Promise<{ tenantId: string; key: string; client: Client }>;
  close(): Promise<void>;
}

export async function startMem0Client(label: string): Promise<Mem0ClientHarness> {
  const db: TestDatabase = await createTestDatabase(label);
  const redis: TestRedis = await createTestRedis(label.replace(/_/g, ''));
  const api = await createHttpApp(AppModule.register(loadEnv(MemoryApiEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix }), {}), { service: 'memory-api', logger: false });
  await api.listen(0, '127.0.0.1');
  const host = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}/mem0`;
  const tenancy = api.get(TenancyService);
  const outbound: string[] = [];
  const realFetch = globalThis.fetch;
  // every request the client makes must stay on loopback
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('http://127.0.0.1:')) outbound.push(url);
    return realFetch(input, init);
  }) as typeof fetch;
  const mem0 = await import('mem0ai');
  return {
    api,
    mem0,
    host,
    tenancy,
    outbound,
    async tenant(name) {
      const t = await tenancy.createTenant(name);
      const key = (await tenancy.issueKey(t.id, 'mem0', ['memory:*'])).key;
      return { tenantId: t.id, key, client: new mem0.MemoryClient({ apiKey: key, host }) };
    },
    async close() {
      globalThis.fetch = realFetch;
      await api.close();
      await redis.cleanup();
      await db.drop();
    },
  };
}
