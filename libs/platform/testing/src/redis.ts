import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedis, deleteMatching, type RedisClient, type RedisTarget } from '@frontier/platform-redis';
import { startPrivateRedisCluster } from './private-redis-cluster';

export function baseRedisUrl(): string {
  return process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

export interface TestRedis {
  url: string;
  /** Key prefix private to this suite, e.g. `test-3f9a1c2e` (BullMQ prefix, key namespace). */
  prefix: string;
  client: Redis;
  /** Deletes every key under the prefix and closes the client. */
  cleanup(): Promise<void>;
}

/** A Redis namespace for one suite: all keys live under a random prefix and are removed after. */
export async function createTestRedis(label = 'suite'): Promise<TestRedis> {
  const prefix = `test-${label.replace(/[^a-z0-9]/gi, '')}-${randomBytes(4).toString('hex')}`;
  const url = baseRedisUrl();
  const client = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true });
  await client.connect();
  return {
    url,
    prefix,
    client,
    async cleanup() {
      // BullMQ keys of this prefix are hash-tagged: `{prefix}:…`
      await deleteMatching(client, `${prefix}*`);
      await deleteMatching(client, `{${prefix}}*`);
      client.disconnect();
    },
  };
}

/** Which Redis a suite runs on: the shared single Redis (REDIS_URL) or a private 3-master Cluster. */
export type RedisMode = 'single' | 'cluster';
/** For `describe.each(REDIS_MODES)`: the suites that must hold on both. */
export const REDIS_MODES: readonly RedisMode[] = ['single', 'cluster'];

export interface RedisModeServer {
  mode: RedisMode;
  /** What `createRedis()` takes (`clusterNodes` set in Cluster mode). */
  target: RedisTarget;
  /** Stops the private cluster (nothing for the shared single Redis). */
  dispose(): Promise<void>;
}

/** Starts what `mode` needs: nothing for `single`, a private Redis Cluster for `cluster` (one per spec file). */
export async function startRedisMode(mode: RedisMode): Promise<RedisModeServer> {
  if (mode === 'single') return { mode, target: { url: baseRedisUrl() }, dispose: async () => undefined };
  const cluster = await startPrivateRedisCluster();
  return { mode, target: cluster.target, dispose: () => cluster.dispose() };
}

export interface TestRedisOn {
  url: string;
  /** REDIS_CLUSTER_NODES of the target (Cluster mode), else undefined. */
  clusterNodes: string | undefined;
  target: RedisTarget;
  prefix: string;
  /** `Redis` or `Cluster`, made by the shared factory. */
  client: RedisClient;
  /** Deletes every key under the prefix (every master) and closes the client. */
  cleanup(): Promise<void>;
}

/** {@link createTestRedis} on any target, single Redis or Cluster. */
export async function createTestRedisOn(target: RedisTarget, label = 'suite'): Promise<TestRedisOn> {
  const prefix = `test-${label.replace(/[^a-z0-9]/gi, '')}-${randomBytes(4).toString('hex')}`;
  const client = createRedis(target, { maxRetriesPerRequest: 3, lazyConnect: true });
  await client.connect();
  return {
    url: target.url,
    clusterNodes: target.clusterNodes,
    target,
    prefix,
    client,
    async cleanup() {
      // BullMQ keys of this prefix are hash-tagged: `{prefix}:…`
      await deleteMatching(client, `${prefix}*`);
      await deleteMatching(client, `{${prefix}}*`);
      client.disconnect();
    },
  };
}
