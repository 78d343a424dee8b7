import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';

const url = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/** The console's variables: where it listens, where its static build is, and the three public APIs it fronts. */
export class ConsoleEnv {
  @IsInt()
  @Min(0)
  @Max(65535)
  CONSOLE_PORT: number = 3300;

  @IsString()
  CONSOLE_HOST: string = '127.0.0.1';

  /** The Vite build (`npx nx build console`); default: the workspace's dist/apps/console. */
  @IsOptional()
  @IsString()
  CONSOLE_STATIC_DIR?: string;

  @IsUrl(url, { message: 'MEMORY_API_URL must be an http(s) URL' })
  MEMORY_API_URL: string = 'http://127.0.0.1:3001';

  @IsUrl(url, { message: 'GATEWAY_URL must be an http(s) URL' })
  GATEWAY_URL: string = 'http://127.0.0.1:3003';

  @IsUrl(url, { message: 'RECSYS_API_URL must be an http(s) URL' })
  RECSYS_API_URL: string = 'http://127.0.0.1:3002';

  /** Operator token for the Queues page (Bull Board at /queues); unset: the page is off. */
  @IsOptional()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' })
  ADMIN_TOKEN?: string;

  /** The deployment's Redis and BullMQ prefix (the same as the workers'), for the Queues page. */
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  @Matches(/^[a-z0-9:_-]+$/i, { message: 'REDIS_PREFIX may hold only letters, digits, ":", "_" and "-"' })
  REDIS_PREFIX: string = 'frontier';
}
