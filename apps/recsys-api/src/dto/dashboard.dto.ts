import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { SafeId, SafeInt, SafeString, SafeTime } from '@frontier/platform-nest';

/** GET /v1/dashboard/ctr */
export class CtrQueryDto {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Inclusive start (default: 48 hours or 30 days before `to`)' })
  @IsOptional()
  @SafeTime({ kind: 'bound' })
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Exclusive end (default: now); at most 14 days of hours or 366 days of days after `from`' })
  @IsOptional()
  @SafeTime({ kind: 'bound' })
  to?: Date;

  @ApiPropertyOptional({ enum: ['hour', 'day'], description: 'Bucket width (default hour)' })
  @IsOptional()
  @IsIn(['hour', 'day'], { message: 'bucket must be hour or day' })
  bucket?: 'hour' | 'day';
}

/** GET /v1/dashboard/flagged */
export class FlaggedQueryDto {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Flagged events since (default: 30 days ago)' })
  @IsOptional()
  @SafeTime({ kind: 'bound' })
  since?: Date;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, description: 'Rows of each list (default 50)' })
  @IsOptional()
  @SafeInt({ min: 1, max: 500 })
  limit?: number;
}

/** GET /v1/dashboard/models */
export class ModelsQueryDto {
  @ApiPropertyOptional({ description: 'Model kind (default two-tower-mlp)' })
  @IsOptional()
  @SafeId({ max: 64 })
  kind?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'Versions, newest first (default 20)' })
  @IsOptional()
  @SafeInt({ min: 1, max: 100 })
  limit?: number;
}

/** POST /v1/admin/tenants/:tenantId/models/rollback and …/models/:version/promote */
export class ModelActionDto {
  @ApiPropertyOptional({ description: 'Model kind (default two-tower-mlp)' })
  @IsOptional()
  @SafeId({ max: 64 })
  kind?: string;

  @ApiPropertyOptional({ description: 'Recorded in the promotion log' })
  @IsOptional()
  @SafeString({ max: 500 })
  reason?: string;

  @ApiPropertyOptional({ description: 'Promote a version the gate rejected' })
  @IsOptional()
  @IsBoolean({ message: 'force must be a boolean' })
  force?: boolean;
}
