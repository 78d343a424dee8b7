/** What the platform module needs from an app's validated env. */
export abstract class PlatformSettings {
  abstract readonly service: string;
  abstract readonly databaseUrl: string;
  abstract readonly redisUrl: string;
  abstract readonly redisPrefix: string;
  /** REDIS_CLUSTER_NODES (`host:port,…`): set, the Redis clients are Cluster clients. */
  readonly redisClusterNodes?: string;
  /** Token for tenant administration (`Authorization: Bearer <token>`); unset disables admin routes. */
  readonly adminToken?: string;
  /** Postgres pool size (default 10). */
  readonly databasePoolSize?: number;
  /** Wait for a Postgres connection at most this long, then fail (503); default 2000. */
  readonly databaseConnectTimeoutMs?: number;
  /** A request-path Redis command or enqueue fails (503) after this long; default 1000. */
  readonly redisCommandTimeoutMs?: number;
  /** /metrics: served unless `enabled: false`; with a token, only to `Authorization: Bearer <token>`. */
  readonly metrics?: { enabled?: boolean; token?: string };
  /** /docs and /docs-json: same rules as metrics (the token may also come as `?token=`). */
  readonly docs?: { enabled?: boolean; token?: string };
  /** Requests per minute per API key and per client IP (routes without a key); 0 turns one off. Default 600 each. */
  readonly rateLimit?: { perKey?: number; perIp?: number };
  /** How long a checked API key is trusted in process (ms; 0 asks Postgres every time). Default 2000. */
  readonly authCacheMs?: number;
  /** EVENT_BUS / NATS_URL: the event bus (default Redis Streams on the app's Redis). */
  readonly eventBus?: { kind: 'redis' | 'jetstream'; natsUrl?: string };
}

/** The env variables {@link platformSettings} reads (PlatformEnv, and HttpEnv's for HTTP apps). */
export interface PlatformEnvLike {
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  REDIS_CLUSTER_NODES?: string;
  EVENT_BUS?: 'redis' | 'jetstream';
  NATS_URL?: string;
  DATABASE_POOL_SIZE?: number;
  DATABASE_CONNECT_TIMEOUT_MS?: number;
  REDIS_COMMAND_TIMEOUT_MS?: number;
  ADMIN_TOKEN?: string;
  METRICS_ENABLED?: boolean;
  METRICS_TOKEN?: string;
  DOCS_ENABLED?: boolean;
  DOCS_TOKEN?: string;
  RATE_LIMIT_PER_KEY?: number;
  RATE_LIMIT_PER_IP?: number;
  AUTH_CACHE_MS?: number;
}

/** An app's PlatformSettings from its validated env (`PlatformModule.forHttp(platformSettings('memory-api', env))`). */
export function platformSettings(service: string, env: PlatformEnvLike): PlatformSettings {
  return {
    service,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    ...(env.REDIS_CLUSTER_NODES ? { redisClusterNodes: env.REDIS_CLUSTER_NODES } : {}),
    ...(env.EVENT_BUS ? { eventBus: { kind: env.EVENT_BUS, ...(env.NATS_URL ? { natsUrl: env.NATS_URL } : {}) } } : {}),
    ...(env.ADMIN_TOKEN ? { adminToken: env.ADMIN_TOKEN } : {}),
    ...(env.DATABASE_POOL_SIZE !== undefined ? { databasePoolSize: env.DATABASE_POOL_SIZE } : {}),
    ...(env.DATABASE_CONNECT_TIMEOUT_MS !== undefined ? { databaseConnectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS } : {}),
    ...(env.REDIS_COMMAND_TIMEOUT_MS !== undefined ? { redisCommandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS } : {}),
    metrics: { enabled: env.METRICS_ENABLED ?? true, ...(env.METRICS_TOKEN ? { token: env.METRICS_TOKEN } : {}) },
    docs: { enabled: env.DOCS_ENABLED ?? true, ...(env.DOCS_TOKEN ? { token: env.DOCS_TOKEN } : {}) },
    rateLimit: { perKey: env.RATE_LIMIT_PER_KEY ?? 600, perIp: env.RATE_LIMIT_PER_IP ?? 600 },
    ...(env.AUTH_CACHE_MS !== undefined ? { authCacheMs: env.AUTH_CACHE_MS } : {}),
  };
}

/** `scheme://user:***@host:port/db`: a connection URL fit for logs (password masked, query dropped). */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    u.search = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable URL)';
  }
}

/** The start-up line naming what the process connects to: `postgres 127.0.0.1:5432/frontier (pool 10), redis redis://…, prefix frontier`. */
export function describeConnections(s: PlatformSettings): string {
  let pg = '(unparseable DATABASE_URL)';
  try {
    const u = new URL(s.databaseUrl);
    pg = `${u.hostname}:${u.port || '5432'}/${decodeURIComponent(u.pathname.slice(1))}${u.username ? ` as ${decodeURIComponent(u.username)}` : ''}`;
  } catch {
    // keep the placeholder
  }
  return `postgres ${pg} (pool ${s.databasePoolSize ?? 10}), redis ${s.redisClusterNodes ? `cluster ${s.redisClusterNodes}` : maskUrl(s.redisUrl)}, prefix ${s.redisPrefix}`;
}
