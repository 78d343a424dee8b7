import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync, type ValidationError } from 'class-validator';

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

/** Variables every Frontier process reads. Apps extend this class with their own. */
export class PlatformEnv {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Matches(PG_URL, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL: string = 'postgresql://postgres@127.0.0.1:5432/frontier';

  @Matches(REDIS_URL, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key and BullMQ queue of this deployment (tests use their own). */
  @IsString()
  @Matches(/^[a-z0-9:_-]+$/i, { message: 'REDIS_PREFIX may hold only letters, digits, ":", "_" and "-"' })
  REDIS_PREFIX: string = 'frontier';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';
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
}
