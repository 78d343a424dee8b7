import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { SafeInt, SafeString, SafeTime } from '@frontier/platform-nest';
import { UserScopedDto } from '../dto/common';
import { UpdateMemoryDto } from '../dto/update-memory.dto';

const DEVICE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DEVICE_MESSAGE = 'device_id must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';

export class SyncQueryDto extends UserScopedDto {
  @ApiPropertyOptional({ example: 'phone-1', description: 'The asking device (its own changes are left out of the delta); or the X-Device-Id header' })
  @IsOptional()
  @Matches(DEVICE, { message: DEVICE_MESSAGE })
  device_id?: string;

  @ApiPropertyOptional({ example: 'phone-1:12,server:40', description: 'The version vector the device holds ("device:counter" pairs); empty or absent: a full snapshot' })
  @IsOptional()
  @SafeString({ max: 4_000 })
  since?: string;

  @ApiPropertyOptional({ description: "A snapshot's next page: the cursor the previous page returned" })
  @IsOptional()
  @SafeString({ max: 4_000 })
  cursor?: string;

  @ApiPropertyOptional({ default: 500, minimum: 1, maximum: 1_000 })
  @IsOptional()
  @SafeInt({ min: 1, max: 1_000 })
  limit?: number;
}

/** A device's edit of one memory (text, type, confidence as in PATCH), made from revision `base_rev` at its own time `edited_at`. */
export class SyncEditDto extends UpdateMemoryDto {
  @ApiPropertyOptional({ example: 'phone-1', description: 'The editing device; or the X-Device-Id header' })
  @IsOptional()
  @Matches(DEVICE, { message: DEVICE_MESSAGE })
  device_id?: string;

  @ApiProperty({ format: 'uuid' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i, { message: 'id must be a UUID' })
  id!: string;

  @ApiProperty({ example: '1234', description: "The memory's rev the device edited (from a sync item); '0' if it never had one" })
  @Matches(/^\d{1,19}$/, { message: 'base_rev must be a revision (digits) as sync returned it' })
  base_rev!: string;

  @ApiProperty({ type: String, format: 'date-time', description: "When the device made the edit (its clock): the newer edit wins" })
  @SafeTime({ kind: 'event' })
  edited_at!: Date;

  @ApiProperty({ enum: ['update', 'delete'] })
  @IsIn(['update', 'delete'])
  op!: 'update' | 'delete';
}
