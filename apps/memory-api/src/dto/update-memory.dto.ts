import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { MEMORY_TYPES } from '@frontier/memory-domain';
import { UserScopedDto } from './common';

export class UpdateMemoryDto extends UserScopedDto {
  @ApiPropertyOptional({ example: 'My daughter is 8' })
  @IsOptional()
  @IsString()
  @Length(1, 2_000)
  text?: string;

  @ApiPropertyOptional({ enum: MEMORY_TYPES })
  @IsOptional()
  @IsIn([...MEMORY_TYPES])
  type?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  confidence?: number;
}
