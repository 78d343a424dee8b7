import { Logger, type FactoryProvider } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import { createRedis, type RedisClient } from '@frontier/platform-redis';
import { PlatformSettings } from './settings';

/** Injection token of the app's shared ioredis client, `Redis` or `Cluster` (commands only; BullMQ has its own). */
export const REDIS = Symbol.for('frontier:redis');

/**
 * Options for a client on the request path: a command while Redis is unreachable fails at once
 * (no offline queue) or after `commandTimeoutMs`, never waits for Redis to come back; reconnects
 * run in the background at most a second apart. A subscriber (which must queue its SUBSCRIBE until
 * connected) duplicates it with `duplicateClient(redis, { enableOfflineQueue: true, commandTimeout: undefined })`.
 */
export function requestPathRedisOptions(commandTimeoutMs = 1_000): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: Math.max(commandTimeoutMs, 1_000),
    commandTimeout: commandTimeoutMs,
    retryStrategy: (times) => Math.min(times * 200, 1_000),
  };
}

/** Resolves once `redis` is ready, or after `ms` (the app still starts; readiness says Redis is down). */
function readyWithin(redis: RedisClient, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.once('ready', onReady);
  });
}

export const redisProvider: FactoryProvider<RedisClient> = {
  provide: REDIS,
  inject: [PlatformSettings],
  useFactory: async (s: PlatformSettings) => {
    const log = new Logger('Redis');
    const options = requestPathRedisOptions(s.redisCommandTimeoutMs);
    // a Cluster when REDIS_CLUSTER_NODES is set (bad value: the app does not start, naming it)
    const redis = createRedis({ url: s.redisUrl, clusterNodes: s.redisClusterNodes }, options);
    let lastLog = 0;
    redis.on('error', (e: Error) => {
      if (Date.now() - lastLog < 10_000) return;
      lastLog = Date.now();
      log.warn(`redis: ${e.message}`);
    });
    if (!(await readyWithin(redis, Number(options.connectTimeout)))) log.warn('redis: not reachable at start; requests that need it answer 503 until it is');
    return redis;
  },
};
