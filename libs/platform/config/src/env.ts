import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync, type ValidationError } from 'class-validator';

/** One broken variable: its name, the value seen (secrets masked) and each rule it broke. */
export interface EnvProblem {
  variable: string;
  value: string | undefined;
  rules: Record<string, string>;
}

/** Thrown at boot when the environment does not satisfy an app's env class. */
export class EnvValidationError extends Error {
  constructor(
    readonly app: string,
    readonly problems: EnvProblem[],
  ) {
    super(
      `${app}: invalid environment\n` +
        problems
          .map((p) => `  - ${p.variable}=${p.value === undefined ? '(unset)' : JSON.stringify(p.value)}: ${Object.entries(p.rules).map(([rule, msg]) => `${msg} [${rule}]`).join('; ')}`)
          .join('\n'),
    );
    this.name = 'EnvValidationError';
  }
}

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|KEY)/i;

function maskValue(variable: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  if (SECRET_NAME.test(variable)) return text.length ? '***' : '';
  return text.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

function collect(errors: ValidationError[], raw: Record<string, unknown>): EnvProblem[] {
  return errors.map((e) => ({
    variable: e.property,
    value: maskValue(e.property, raw[e.property]),
    rules: e.constraints ?? {},
  }));
}

/**
 * Validates `env` against a class-validator class and returns a typed, converted instance
 * (numbers are numbers, defaults from the class apply). Throws {@link EnvValidationError} naming
 * every bad variable and the rule it broke, so an app fails at boot, not at first use.
 */
export function loadEnv<T extends object>(
  schema: new () => T,
  env: Record<string, string | undefined> = process.env,
  app = schema.name,
): T {
  const raw: Record<string, unknown> = {};
  const defaults = new schema() as Record<string, unknown>;
  for (const key of Object.keys(defaults)) raw[key] = defaults[key];
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== '') raw[key] = value;
  const instance = plainToInstance(schema, raw, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { skipMissingProperties: false, forbidUnknownValues: true });
  if (errors.length) throw new EnvValidationError(app, collect(errors, raw));
  return instance;
}

const PG_URL = /^postgres(ql)?:\/\/[^\s]+$/;
const REDIS_URL = /^rediss?:\/\/[^\s]+$/;

/**
 * `true`/`false`/`1`/`0`/`yes`/`no` (any case) to a boolean; anything else stays as given and fails
 * @IsBoolean. Reads the raw value: implicit conversion would have made "false" true.
 */
const toBoolean = ({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
  const value = obj[key];
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return ['true', '1', 'yes'].includes(v) ? true : ['false', '0', 'no'].includes(v) ? false : value;
};

/** Variables every Frontier process reads. Apps extend this class with their own. */
export class PlatformEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Matches(PG_URL, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL: string = 'postgresql://postgres@127.0.0.1:5432/frontier';

  @Matches(REDIS_URL, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  /**
   * Redis Cluster seed nodes `host:port,host:port`: set, every Redis client is an ioredis Cluster
   * (REDIS_URL then supplies only credentials/TLS and must name database 0); unset, a single Redis.
   */
  @IsOptional()
  @Matches(/^\s*(\[[0-9a-f:.]+\]|[^\s,:]+):\d{1,5}\s*(,\s*(\[[0-9a-f:.]+\]|[^\s,:]+):\d{1,5}\s*)*$/i, { message: 'REDIS_CLUSTER_NODES must be host:port[,host:port…]' })
  REDIS_CLUSTER_NODES?: string;

  /** Prefix of every Redis key and BullMQ queue of this deployment (tests use their own). */
  @IsString()
  @Matches(/^[a-z0-9:_-]+$/i, { message: 'REDIS_PREFIX may hold only letters, digits, ":", "_" and "-"' })
  REDIS_PREFIX: string = 'frontier';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** The event bus (recommender events, memory change notifications): `redis` (Redis Streams) or `jetstream` (NATS JetStream at NATS_URL). */
  @IsIn(['redis', 'jetstream'], { message: 'EVENT_BUS must be redis or jetstream' })
  EVENT_BUS: 'redis' | 'jetstream' = 'redis';

  /** The NATS server(s) of `EVENT_BUS=jetstream` (comma-separated for a cluster). */
  @Matches(/^(nats|tls):\/\/[^\s,]+(,(nats|tls):\/\/[^\s,]+)*$/, { message: 'NATS_URL must be nats:// or tls:// URL(s), comma-separated' })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  /** Postgres connections per process. */
  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE: number = 10;

  /** How long a query may wait to connect or for a free pooled connection before failing (503). */
  @IsInt()
  @Min(100)
  @Max(60_000)
  DATABASE_CONNECT_TIMEOUT_MS: number = 2_000;

  /** How long a Redis command on the request path (and a job enqueue) may take before failing (503). */
  @IsInt()
  @Min(50)
  @Max(60_000)
  REDIS_COMMAND_TIMEOUT_MS: number = 1_000;

  /** On SIGTERM/SIGINT: how long in-flight requests (or running jobs) may take to finish before connections are cut. */
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS: number = 10_000;
}

/** Variables of an HTTP app. */
export class HttpEnv extends PlatformEnv {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  @IsOptional()
  HOST: string = '0.0.0.0';

  /** Serve Prometheus metrics at /metrics. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'METRICS_ENABLED must be true or false' })
  METRICS_ENABLED: boolean = true;

  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  @IsOptional()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** Serve the OpenAPI UI at /docs and its JSON at /docs-json. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'DOCS_ENABLED must be true or false' })
  DOCS_ENABLED: boolean = true;

  /** When set, /docs and /docs-json need `Authorization: Bearer <token>` (or `?token=`). */
  @IsOptional()
  @MinLength(16, { message: 'DOCS_TOKEN must be at least 16 characters' })
  DOCS_TOKEN?: string;

  /** Requests per minute per API key, shared by every replica through Redis; 0 turns the limit off. */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_KEY: number = 600;

  /**
   * How long a checked API key is trusted in process without asking Postgres again (ms; 0: ask
   * every time). A key revoked in another process stops working within this; in the same process at once.
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  AUTH_CACHE_MS: number = 2_000;

  /** Requests per minute per client IP on routes without an API key (health and metrics exempt); 0 turns it off. */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_IP: number = 600;
}
