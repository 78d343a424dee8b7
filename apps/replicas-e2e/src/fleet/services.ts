/**
 * The suite's own Postgres and Redis (private instances: cutting or stopping them hurts no other
 * suite), made reachable from the replica namespace when there is one: Postgres listens on the host
 * end of the namespace's Postgres link too (trust for that /24 only, through its own pg_hba file),
 * Redis binds the host end of the Redis link as well.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { mintApiKey } from '@frontier/platform-nest';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from '@frontier/platform-testing';
import type { Netns } from './netns';

export interface Services {
  readonly pg: PrivatePostgres;
  readonly redis: PrivateRedis;
  /** DATABASE_URL / REDIS_URL as seen from the host, and from inside the namespace (when there is one). */
  readonly urls: { host: { db: string; redis: string }; netns?: { db: string; redis: string } };
  dispose(): Promise<void>;
}

const withHost = (url: string, host: string) => url.replace('127.0.0.1', host);

export async function startServices(ns: Netns | undefined): Promise<Services> {
  const made: Array<() => Promise<void> | void> = [];
  const dispose = async () => {
    for (const undo of made.splice(0).reverse()) await Promise.resolve(undo()).catch(() => undefined);
  };
  try {
    let settings: Record<string, string> | undefined;
    if (ns) {
      // readable by the postgres user Postgres runs as when the suite is root
      const dir = mkdtempSync(join(tmpdir(), 'frontier-replicas-hba-'));
      made.push(() => rmSync(dir, { recursive: true, force: true }));
      chmodSync(dir, 0o755);
      const hba = join(dir, 'pg_hba.conf');
      writeFileSync(hba, ['local all all trust', 'host all all 127.0.0.1/32 trust', `host all all ${ns.subnet} trust`, ''].join('\n'));
      chmodSync(hba, 0o644);
      settings = { listen_addresses: `127.0.0.1,${ns.hostAddress.postgres}`, hba_file: hba };
    }
    const pg = await startPrivatePostgres(settings ? { settings } : {});
    made.push(() => pg.dispose());
    const redis = await startPrivateRedis();
    made.push(() => redis.dispose());
    if (ns) {
      const admin = new Redis(redis.url, { lazyConnect: true });
      await admin.connect();
      await admin.config('SET', 'bind', `127.0.0.1 ${ns.hostAddress.redis}`);
      await admin.config('SET', 'protected-mode', 'no');
      admin.disconnect();
    }
    const urls: Services['urls'] = { host: { db: pg.url, redis: redis.url } };
    if (ns) urls.netns = { db: withHost(pg.url, ns.hostAddress.postgres), redis: withHost(redis.url, ns.hostAddress.redis) };
    return { pg, redis, urls, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

export interface Keys {
  tenantId: string;
  /** memory:*, recsys:*, multimodal:* — the traffic key. */
  main: string;
  /** multimodal:* with an RPM override (`rpm`). */
  rpm: { key: string; limit: number };
  /** multimodal:* with a daily budget override (`usd`). */
  budget: { key: string; usd: number };
}

/** A tenant and its keys, written as platform-api would (the limits as the multimodal_key_limits overrides). */
export async function createTenant(dbUrl: string, name: string, limits: { rpm: number; dailyUsd: number }): Promise<Keys> {
  const c = new Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const tenantId = randomUUID();
    await c.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [tenantId, name]);
    const issue = async (label: string, scopes: string[]) => {
      const id = randomUUID();
      const k = mintApiKey();
      await c.query('INSERT INTO api_keys (id, tenant_id, name, prefix, secret_hash, scopes) VALUES ($1, $2, $3, $4, $5, $6)', [id, tenantId, label, k.prefix, k.secretHash, scopes]);
      return { id, key: k.plaintext };
    };
    const main = await issue('traffic', ['memory:*', 'recsys:*', 'multimodal:*']);
    const rpm = await issue('rpm', ['multimodal:*']);
    const budget = await issue('budget', ['multimodal:*']);
    await c.query('INSERT INTO multimodal_key_limits (key_id, rpm) VALUES ($1, $2)', [rpm.id, limits.rpm]);
    await c.query('INSERT INTO multimodal_key_limits (key_id, daily_budget_usd) VALUES ($1, $2)', [budget.id, limits.dailyUsd]);
    return { tenantId, main: main.key, rpm: { key: rpm.key, limit: limits.rpm }, budget: { key: budget.key, usd: limits.dailyUsd } };
  } finally {
    await c.end();
  }
}
