import { Cluster, Redis } from 'ioredis';
import { clusterOptionsFor, createRedis, describeRedisTarget, duplicateClient, hashTag, parseClusterNodes, RedisConfigError } from './index';

describe('parseClusterNodes', () => {
  it('reads host:port lists, IPv6 in brackets', () => {
    expect(parseClusterNodes('127.0.0.1:7000, redis-1:7001,[::1]:7002')).toEqual([
      { host: '127.0.0.1', port: 7000 },
      { host: 'redis-1', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
  });

  it.each(['', '127.0.0.1', '127.0.0.1:7000,', 'host:0', 'host:70000', 'redis://h:1'])('rejects %j naming REDIS_CLUSTER_NODES', (bad) => {
    expect(() => parseClusterNodes(bad)).toThrow(RedisConfigError);
    expect(() => parseClusterNodes(bad)).toThrow(/REDIS_CLUSTER_NODES/);
  });
});

describe('createRedis', () => {
  it('makes a Redis without cluster nodes and a Cluster with them (lazy: nothing connects)', () => {
    const single = createRedis({ url: 'redis://127.0.0.1:1' }, { lazyConnect: true });
    const cluster = createRedis({ url: 'redis://u:p%40ss@127.0.0.1:1', clusterNodes: '127.0.0.1:1,127.0.0.1:2' }, { lazyConnect: true, commandTimeout: 300, enableOfflineQueue: false });
    expect(single).toBeInstanceOf(Redis);
    expect(cluster).toBeInstanceOf(Cluster);
    const c = cluster as Cluster;
    expect(c.options.enableOfflineQueue).toBe(false);
    expect(c.options.redisOptions).toMatchObject({ commandTimeout: 300, username: 'u', password: 'p@ss' });
    const sub = duplicateClient(c, { enableOfflineQueue: true, commandTimeout: undefined }) as Cluster;
    expect(sub.options.enableOfflineQueue).toBe(true);
    expect(sub.options.redisOptions).toMatchObject({ password: 'p@ss', commandTimeout: undefined });
    // code written for a single Redis: duplicate(RedisOptions) on the Cluster means the same
    const legacy = (c as unknown as Redis).duplicate({ enableOfflineQueue: true, commandTimeout: undefined }) as unknown as Cluster;
    expect(legacy).toBeInstanceOf(Cluster);
    expect(legacy.options.enableOfflineQueue).toBe(true);
    expect(legacy.options.redisOptions).toMatchObject({ password: 'p@ss', commandTimeout: undefined });
    for (const x of [single, cluster, sub, legacy]) x.disconnect();
  });

  it('refuses a database other than 0 in Cluster mode', () => {
    expect(() => clusterOptionsFor('redis://127.0.0.1:6379/3')).toThrow(/database 3/);
  });

  it('describes the target without the password', () => {
    expect(describeRedisTarget({ url: 'redis://:secret@h:6379' })).toBe('redis://:***@h:6379');
    expect(describeRedisTarget({ url: 'redis://h', clusterNodes: 'a:1,b:2' })).toBe('cluster a:1,b:2');
  });

  it('hash-tags once', () => {
    expect(hashTag('frontier')).toBe('{frontier}');
    expect(hashTag('{frontier}')).toBe('{frontier}');
  });
});
