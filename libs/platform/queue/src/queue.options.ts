import type { JobCatalog } from '@frontier/platform-jobs';
import { hashTag } from '@frontier/platform-redis';

/** Redis connection and key prefix shared by producers and workers. */
export abstract class QueueOptions {
  abstract readonly redisUrl: string;
  /** BullMQ key prefix: one per deployment; tests use a random one. */
  abstract readonly prefix: string;
  /** REDIS_CLUSTER_NODES (`host:port,…`): set, producers and workers use Redis Cluster clients. */
  readonly redisClusterNodes?: string;
  /**
   * How long a producer call (enqueue) may wait for Redis before it fails with a typed
   * `unavailable` error (default {@link DEFAULT_PRODUCER_TIMEOUT_MS}); also the connect timeout.
   */
  readonly commandTimeoutMs?: number;
}

export const DEFAULT_PRODUCER_TIMEOUT_MS = 1_000;

export abstract class WorkerOptions {
  /** The catalogs (one queue each) this worker consumes: every job in them needs one handler. */
  abstract readonly catalogs: readonly JobCatalog[];
  readonly concurrency?: number;
  /**
   * How often (ms) the worker checks that its queues' repeating jobs are still registered and
   * registers any that are missing — a Redis restarted without its data loses them (default 30 s).
   */
  readonly scheduleCheckMs?: number;
}

/**
 * The producer's connection: no offline queue (a command while disconnected fails at once instead
 * of waiting for Redis to come back), one retry per command, short connect and command timeouts,
 * and reconnect attempts at most a second apart (BullMQ's default backs off to 20 s).
 */
export function producerConnection(redisUrl: string, timeoutMs = DEFAULT_PRODUCER_TIMEOUT_MS) {
  return {
    ...bullConnection(redisUrl),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: Math.max(timeoutMs, 1_000),
    commandTimeout: timeoutMs,
    retryStrategy: (times: number) => Math.min(times * 200, 1_000),
  };
}

/**
 * The key prefix BullMQ is given: the deployment's prefix as a hash tag (`frontier` → `{frontier}`),
 * single Redis or Cluster alike. BullMQ's Lua scripts touch several keys of a queue at once
 * (wait, active, meta, events…), which Redis Cluster allows only within one slot; the tag puts
 * every queue of the deployment in one slot, so keys are the same in both modes.
 */
export function bullPrefix(prefix: string): string {
  return hashTag(prefix);
}

/** ioredis options BullMQ needs for blocking connections (workers). */
export function bullConnection(redisUrl: string) {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    // reconnect at most 2 s apart (BullMQ's default backs off to 20 s, delaying recovery)
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  };
}
