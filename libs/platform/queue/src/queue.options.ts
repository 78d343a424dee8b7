import type { JobCatalog } from '@frontier/platform-jobs';

/** Redis connection and key prefix shared by producers and workers. */
export abstract class QueueOptions {
  abstract readonly redisUrl: string;
  /** BullMQ key prefix: one per deployment; tests use a random one. */
  abstract readonly prefix: string;
}

export abstract class WorkerOptions {
  /** The catalogs (one queue each) this worker consumes: every job in them needs one handler. */
  abstract readonly catalogs: readonly JobCatalog[];
  readonly concurrency?: number;
}

/** ioredis options BullMQ needs for blocking connections. */
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
  };
}
