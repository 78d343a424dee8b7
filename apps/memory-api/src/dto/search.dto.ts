import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { BodyLimit, SafeString } from '@frontier/platform-nest';
import { MEMORY_TYPES } from '@frontier/memory-domain';
import { MiB, UserScopedDto } from './common';

/**
 * At most 8,000 + 20 × 8,000 characters: under 1 MiB of compact JSON even with every character
 * `\u`-escaped (input-limits.e2e.spec.ts checks the arithmetic).
 */
@BodyLimit(1 * MiB)
export class SearchMemoriesDto extends UserScopedDto {
  @ApiProperty({ example: 'What should I cook for dinner?', maxLength: 8_000 })
  @SafeString({ max: 8_000 })
  query!: string;

  @ApiPropertyOptional({ type: [String], maxItems: 20, description: 'The last turns of the conversation (the last 3 are used)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @SafeString({ max: 8_000, each: true })
  recent_turns?: string[];

  @ApiPropertyOptional({ default: 5, minimum: 1, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ enum: MEMORY_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MEMORY_TYPES.length)
  @IsIn([...MEMORY_TYPES], { each: true })
  types?: string[];

  @ApiPropertyOptional({ description: 'Minimum final score' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  threshold?: number;
}
