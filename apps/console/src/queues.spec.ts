import { Queue } from 'bullmq';
import { bullConnection, bullPrefix } from '@frontier/platform-queue';
import { createRedis } from '@frontier/platform-redis';
import { createTestRedisOn, REDIS_MODES, startRedisMode, type RedisModeServer, type TestRedisOn } from '@frontier/platform-testing';
import { discoverQueues } from './queues';

describe.each(REDIS_MODES)('discoverQueues on a real %s Redis', (mode) => {
  let server: RedisModeServer;
  let redis: TestRedisOn;
  beforeAll(async () => {
    server = await startRedisMode(mode);
    redis = await createTestRedisOn(server.target, 'consolequeues');
  }, 60_000);
  afterAll(async () => {
    await redis.cleanup();
    await server.dispose();
  });

  it('finds every queue of the prefix by its {prefix}:<name>:meta key, on every master', async () => {
    const connection = redis.clusterNodes ? createRedis(redis.target, bullConnection(redis.url)) : bullConnection(redis.url);
    const queues = ['alpha', 'beta', 'gamma'].map((name) => new Queue(name, { connection, prefix: bullPrefix(redis.prefix) }));
    try {
      for (const q of queues) await q.add('x', {});
      expect(await discoverQueues(redis.client, redis.prefix)).toEqual(['alpha', 'beta', 'gamma']);
      expect(await discoverQueues(redis.client, `${redis.prefix}-other`)).toEqual([]);
    } finally {
      for (const q of queues) await q.close();
      if ('disconnect' in connection) connection.disconnect();
    }
  });
});
