import { randomBytes } from 'node:crypto';
import { loadEnv } from '@frontier/platform-config';
import { createRedis, type RedisClient } from '@frontier/platform-redis';
import { startPrivateRedisCluster, type PrivateRedisCluster } from '@frontier/platform-testing';
import { BlobStore, encoderRedisOptions } from './blob-store';
import { EncodersEnv, encodersGatewayConfig, encoderServiceConfig } from './config';

describe('encoder blob store on a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  let cluster: PrivateRedisCluster;
  let redis: RedisClient;

  beforeAll(async () => {
    cluster = await startPrivateRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await redis?.quit().catch(() => undefined);
    await cluster?.dispose();
  });

  it('the gateway and worker configs carry the cluster unless ENCODER_REDIS_URL names a Redis of its own', () => {
    const env = loadEnv(EncodersEnv, { REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: cluster.clusterNodes, ENCODERS: 'redis' });
    expect(encodersGatewayConfig(env).redisClusterNodes).toBe(cluster.clusterNodes);
    expect(encoderServiceConfig(env).redisClusterNodes).toBe(cluster.clusterNodes);
    const own = loadEnv(EncodersEnv, { REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: cluster.clusterNodes, ENCODER_REDIS_URL: 'redis://enc:6380' });
    expect(encodersGatewayConfig(own).redisClusterNodes).toBeUndefined();
    expect(encoderServiceConfig(own).redisClusterNodes).toBeUndefined();
  });

  it('puts and reads blobs whose keys hash to every master (no MOVED, no CROSSSLOT)', async () => {
    const c = encodersGatewayConfig(loadEnv(EncodersEnv, { REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: cluster.clusterNodes, REDIS_PREFIX: `t${Date.now()}` }));
    redis = createRedis({ url: c.redisUrl, clusterNodes: c.redisClusterNodes }, { ...encoderRedisOptions(), enableOfflineQueue: true });
    const blobs = new BlobStore(redis, c.keyPrefix, 60);
    const images = Array.from({ length: 24 }, () => randomBytes(256));
    const hashes = await Promise.all(images.map((b) => blobs.put(b)));
    const slots = new Set(hashes.map((h) => Number(redisKeySlot(blobs.key(h)))));
    expect(slots.size).toBeGreaterThan(1);
    const back = await blobs.getMany([...hashes, 'f'.repeat(64)]);
    expect(back.slice(0, -1).map((b) => b?.toString('hex'))).toEqual(images.map((b) => b.toString('hex')));
    expect(back.at(-1)).toBeNull();
    expect((await blobs.get(hashes[0] as string))?.equals(images[0] as Buffer)).toBe(true);
  }, 30_000);

  /** CRC16 slot as Redis computes it (no hash tag in these keys). */
  function redisKeySlot(key: string): number {
    let crc = 0;
    for (const byte of Buffer.from(key)) {
      crc ^= byte << 8;
      for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    return crc % 16384;
  }
});
