import type { Redis } from 'ioredis';
import { createRedis, type RedisClient } from '@frontier/platform-redis';
import { createTestRedisOn, startPrivateRedis, startRedisMode, type RedisMode } from '@frontier/platform-testing';
import { eventBusContract, type BusHarness } from './testing/contract.spec-helper';
import { RedisEventBus } from './redis-event-bus';

// the request-path client an app gives the bus (fails fast), as PlatformModule makes it
const requestPath = { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000, connectTimeout: 1_000, retryStrategy: () => 200 };

async function ready(c: RedisClient): Promise<RedisClient> {
  c.on('error', () => undefined);
  if (c.status !== 'ready') await new Promise((r) => c.once('ready', r));
  return c;
}

const harness = (mode: RedisMode) => async (): Promise<BusHarness> => {
  const server = await startRedisMode(mode);
  const t = await createTestRedisOn(server.target, 'events');
  const clients: RedisClient[] = [];
  const client = async (target: Parameters<typeof createRedis>[0]) => {
    const c = await ready(createRedis(target, requestPath));
    clients.push(c);
    return c;
  };
  const shared = await client(server.target);
  return {
    open: () => new RedisEventBus(shared, { prefix: t.prefix, pollMs: 200 }),
    dropStream: async () => undefined, // the suite's prefix is removed at the end
    privateBroker: async () => {
      const r = await startPrivateRedis();
      const c = await client(r.url);
      return { open: () => new RedisEventBus(c, { prefix: 'private', pollMs: 200 }), stop: () => r.stop(), dispose: () => r.dispose() };
    },
    close: async () => {
      for (const c of clients) c.disconnect();
      await t.cleanup();
      await server.dispose();
    },
  };
};

eventBusContract('Redis Streams (real Redis)', harness('single'));
eventBusContract('Redis Streams on a Redis Cluster (private, 3 masters)', harness('cluster'));

describe('RedisEventBus keys', () => {
  it('keeps a stream and its dedup keys on one Cluster slot (hash tag per stream)', () => {
    const bus = new RedisEventBus({} as Redis, { prefix: 'p' });
    expect(bus.key('recsys-events')).toBe('p:events:{recsys-events}');
  });

  it('refuses a stream name that is not a plain name, naming the field', () => {
    const bus = new RedisEventBus({} as Redis, { prefix: 'p' });
    expect(() => bus.key('a b')).toThrow(expect.objectContaining({ field: 'stream' }));
  });
});
