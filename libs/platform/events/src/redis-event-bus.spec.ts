import { Redis } from 'ioredis';
import { createTestRedis, startPrivateRedis, type TestRedis } from '@frontier/platform-testing';
import { eventBusContract } from './testing/contract.spec-helper';
import { RedisEventBus } from './redis-event-bus';

const requestPath = { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000, connectTimeout: 1_000, retryStrategy: () => 200 };

// the request-path client the app gives the bus (fails fast), as in PlatformModule
eventBusContract('Redis Streams (real Redis)', async () => {
  const t: TestRedis = await createTestRedis('events');
  const clients: Redis[] = [];
  const client = async (url: string) => {
    const c = new Redis(url, requestPath);
    c.on('error', () => undefined);
    clients.push(c);
    if (c.status !== 'ready') await new Promise((r) => c.once('ready', r));
    return c;
  };
  const shared = await client(t.url);
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
    },
  };
});

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
