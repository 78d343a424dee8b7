import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

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
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await client.del(...keys);
      } while (cursor !== '0');
      client.disconnect();
    },
  };
}
