import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { SafeId, SafeInt, SafeTime } from '@frontier/platform-nest';
import { MEMORY_TYPES } from '@frontier/memory-domain';
import { UserScopedDto } from './common';

export class ListMemoriesDto extends UserScopedDto {
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 10_000 })
  @IsOptional()
  @SafeInt({ min: 1, max: 10_000 })
  page?: number;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @SafeInt({ min: 1, max: 500 })
  page_size?: number;

  @ApiPropertyOptional({ enum: MEMORY_TYPES })
  @IsOptional()
  @IsIn([...MEMORY_TYPES])
  type?: string;

  @ApiPropertyOptional({ description: 'Your session id' })
  @IsOptional()
  @SafeId()
  session_id?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'ISO 8601, 1970 … 9999' })
  @IsOptional()
  @SafeTime({ kind: 'bound' })
  since?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'ISO 8601, 1970 … 9999' })
  @IsOptional()
  @SafeTime({ kind: 'bound' })
  until?: Date;

  @ApiPropertyOptional({ description: 'Include superseded facts (never deleted ones)' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  include_inactive?: boolean;
}
