import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { SafeString } from '@frontier/platform-nest';
import { MEMORY_TYPES } from '@frontier/memory-domain';
import { UserScopedDto } from './common';

export class UpdateMemoryDto extends UserScopedDto {
  @ApiPropertyOptional({ example: 'My daughter is 8', maxLength: 2_000 })
  @IsOptional()
  @SafeString({ max: 2_000, notBlank: true })
  text?: string;

  @ApiPropertyOptional({ enum: MEMORY_TYPES })
  @IsOptional()
  @IsIn([...MEMORY_TYPES])
  type?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  confidence?: number;
}
