import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A client of either a single Redis or a Redis Cluster (what {@link createRedis} returns). */
export type RedisClient = Redis | Cluster;

/** The env variable that switches every Redis client to Cluster mode. */
export const REDIS_CLUSTER_NODES = 'REDIS_CLUSTER_NODES';

/** `host:port` (IPv6 as `[::1]:7000`); one or more joined by commas. */
const NODE = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+):(\d{1,5})$/i;

/** A bad REDIS_CLUSTER_NODES (or a URL it cannot go with): thrown while the process starts. */
export class RedisConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisConfigError';
  }
}

export interface RedisNode {
  host: string;
  port: number;
}

/** Where Redis is: the URL (credentials, TLS, db) and, in Cluster mode, the seed nodes. */
export interface RedisTarget {
  url: string;
  /** `host:port,host:port` (REDIS_CLUSTER_NODES); unset or empty: a single Redis at `url`. */
  clusterNodes?: string | undefined;
}

/** Parses REDIS_CLUSTER_NODES; throws {@link RedisConfigError} naming the variable and the bad entry. */
export function parseClusterNodes(value: string, variable = REDIS_CLUSTER_NODES): RedisNode[] {
  const entries = value.split(',').map((s) => s.trim());
  if (!entries.length || entries.some((e) => !e)) throw new RedisConfigError(`${variable}=${JSON.stringify(value)}: expected host:port[,host:port…] with no empty entry`);
  return entries.map((entry) => {
    const m = NODE.exec(entry);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw new RedisConfigError(`${variable}: "${entry}" is not host:port (port 1–65535)`);
    return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
  });
}

/** The target from the environment: REDIS_URL (or the `url` given) and REDIS_CLUSTER_NODES. */
export function redisTarget(url: string, env: Record<string, string | undefined> = process.env): RedisTarget {
  const clusterNodes = env[REDIS_CLUSTER_NODES]?.trim();
  return clusterNodes ? { url, clusterNodes } : { url };
}

/** The URL's credentials and TLS (what every cluster node connection needs). */
function urlAuth(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RedisConfigError(`REDIS_URL is not a URL (${url.replace(/\/\/[^@]*@/, '//***@')})`);
  }
  if (u.pathname.length > 1 && u.pathname !== '/0') throw new RedisConfigError(`Redis Cluster has only database 0: REDIS_URL must not name database ${u.pathname.slice(1)} when ${REDIS_CLUSTER_NODES} is set`);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * The Cluster options equivalent to single-node `options`: offline queue, retry strategy and lazy
 * connect move to the cluster level, the rest (timeouts, retries per request) to every node.
 */
export function clusterOptionsFor(url: string, options: RedisOptions = {}): ClusterOptions {
  const { retryStrategy, enableOfflineQueue, lazyConnect, host: _h, port: _p, path: _path, sentinels: _s, readOnly: _r, db: _db, keyPrefix, ...node } = options;
  void [_h, _p, _path, _s, _r, _db];
  return {
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) } : {}),
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...(keyPrefix ? { keyPrefix } : {}),
    // a MOVED/CLUSTERDOWN after a failover is retried briefly instead of failing the call at once
    retryDelayOnClusterDown: 200,
    retryDelayOnFailover: 200,
    // ioredis' 1 s default is missed by a process whose event loop is busy booting (modules loading):
    // the slot map fetch failed and BullMQ's waitUntilReady rejected, ending the worker
    slotsRefreshTimeout: Math.max(5_000, Number(node.connectTimeout ?? 0)),
    redisOptions: { ...node, ...urlAuth(url) },
  };
}

/**
 * The one place Frontier makes a Redis client: a `Cluster` when the target names cluster nodes
 * (REDIS_CLUSTER_NODES), else a `Redis` at the URL. A string target reads REDIS_CLUSTER_NODES
 * from the environment. `options` are single-node ioredis options; in Cluster mode they are
 * mapped by {@link clusterOptionsFor}.
 */
export function createRedis(target: RedisTarget | string, options: RedisOptions = {}): RedisClient {
  const t = typeof target === 'string' ? redisTarget(target) : target;
  if (!t.clusterNodes) return new Redis(t.url, options);
  return redisStyleDuplicate(new Cluster(parseClusterNodes(t.clusterNodes), clusterOptionsFor(t.url, options)));
}

/**
 * Lets code written for a single Redis call `cluster.duplicate({ …RedisOptions })` (a subscriber
 * copy): `Cluster.duplicate(startupNodes?, options?)` would take the options object for startup
 * nodes and drop the override (the copy kept, e.g., the request path's no-offline-queue, so its
 * SUBSCRIBE failed while the copy connected). A non-array first argument is mapped as
 * {@link duplicateClient} maps it; the Cluster form passes through. Copies are patched alike.
 */
function redisStyleDuplicate(cluster: Cluster): Cluster {
  const original = cluster.duplicate.bind(cluster);
  const patched = (nodes?: unknown, options?: ClusterOptions): Cluster => {
    if (nodes === undefined || Array.isArray(nodes)) return redisStyleDuplicate(original(nodes as Parameters<Cluster['duplicate']>[0], options));
    const { enableOfflineQueue, lazyConnect, ...node } = nodes as RedisOptions;
    return redisStyleDuplicate(
      original([], {
        ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
        ...(lazyConnect !== undefined ? { lazyConnect } : {}),
        redisOptions: { ...cluster.options.redisOptions, ...node },
      }),
    );
  };
  cluster.duplicate = patched as Cluster['duplicate'];
  return cluster;
}

export function isCluster(client: RedisClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}

/**
 * A copy of `client` for SUBSCRIBE (or another long-lived connection) with `override` applied:
 * `Redis.duplicate(options)` or `Cluster.duplicate([], {cluster level, redisOptions})`.
 */
export function duplicateClient(client: RedisClient, override: RedisOptions = {}): RedisClient {
  if (!isCluster(client)) return client.duplicate(override);
  const { enableOfflineQueue, lazyConnect, ...node } = override;
  const options: ClusterOptions = {
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    redisOptions: { ...client.options.redisOptions, ...node },
  };
  return client.duplicate([], options);
}

/** A readable `host:port,…` (Cluster) or masked URL of the target, for start-up logs. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.clusterNodes) return `cluster ${target.clusterNodes}`;
  try {
    const u = new URL(target.url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable REDIS_URL)';
  }
}
