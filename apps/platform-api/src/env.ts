import { IsOptional, MinLength } from 'class-validator';
import { HttpEnv } from '@frontier/platform-config';

export class PlatformApiEnv extends HttpEnv {
  /** Operator token for tenant administration; unset disables the admin routes. */
  @IsOptional()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' })
  ADMIN_TOKEN?: string;
}
