import { Cluster } from 'ioredis';
import { createRedis, deleteMatching, getMany, isCluster } from '@frontier/platform-redis';
import { startPrivateRedisCluster, type PrivateRedisCluster } from './private-redis-cluster';

describe('startPrivateRedisCluster (3 masters on loopback)', () => {
  let cluster: PrivateRedisCluster;
  beforeAll(async () => {
    cluster = await startPrivateRedisCluster();
  }, 60_000);
  afterAll(() => cluster?.dispose());

  it('serves keys from every slot through one client, and the key helpers span the masters', async () => {
    const client = createRedis(cluster.target, { lazyConnect: true });
    expect(isCluster(client)).toBe(true);
    await client.connect();
    try {
      expect((client as Cluster).nodes('master')).toHaveLength(3);
      const keys = Array.from({ length: 60 }, (_, i) => `t:k${i}`);
      await Promise.all(keys.map((k, i) => client.set(k, String(i))));
      // keys spread over the masters: each master holds some
      const sizes = await Promise.all((client as Cluster).nodes('master').map((n) => n.dbsize()));
      expect(sizes.every((n) => n > 0)).toBe(true);
      await expect(client.mget('t:k1', 't:k2')).rejects.toThrow(/CROSSSLOT/);
      expect(await getMany(client, ['t:k1', 't:k2', 'missing'])).toEqual(['1', '2', null]);
      expect(await deleteMatching(client, 't:*')).toBe(60);
      expect(await client.get('t:k5')).toBeNull();
    } finally {
      client.disconnect();
    }
  });

  it('comes back healthy (slots kept, data gone) after every node is killed and started', async () => {
    await cluster.kill();
    expect(cluster.nodes.some((n) => n.running)).toBe(false);
    await cluster.start();
    const client = createRedis(cluster.target);
    try {
      await client.set('after', '1');
      expect(await client.get('after')).toBe('1');
    } finally {
      client.disconnect();
    }
  });
});
