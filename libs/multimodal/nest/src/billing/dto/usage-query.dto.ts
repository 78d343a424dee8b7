import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { USAGE_GROUP_BY, type UsageGroupBy } from '@frontier/multimodal-data-access';
import { SafeTime } from '@frontier/platform-nest';

/** `GET /v1/usage?group_by=modality|key|day&from&to&key_id`: the caller's tenant's spend. */
export class UsageQueryDto {
  @ApiProperty({ enum: USAGE_GROUP_BY, description: 'Group the usage by modality, API key or UTC day' })
  @IsIn([...USAGE_GROUP_BY], { message: `group_by must be one of ${USAGE_GROUP_BY.join(', ')}` })
  group_by!: UsageGroupBy;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Inclusive start, ISO 8601 (default: 30 days before `to`)' })
  @IsOptional()
  @SafeTime({ kind: 'bound' })
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Exclusive end, ISO 8601 (default: now); at most 366 days after `from`' })
  @IsOptional()
  @SafeTime({ kind: 'bound' })
  to?: Date;

  @ApiPropertyOptional({ format: 'uuid', description: "Only this API key's usage" })
  @IsOptional()
  @IsUUID('all', { message: 'key_id must be an API key id (a UUID)' })
  key_id?: string;
}
