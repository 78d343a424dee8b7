import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { MEMORY_TYPES } from '@frontier/memory-domain';
import { UserScopedDto } from './common';

export class SearchMemoriesDto extends UserScopedDto {
  @ApiProperty({ example: 'What should I cook for dinner?' })
  @IsString()
  @Length(1, 8_000)
  query!: string;

  @ApiPropertyOptional({ type: [String], description: 'The last turns of the conversation (the last 3 are used)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 8_000, { each: true })
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
  @IsIn([...MEMORY_TYPES], { each: true })
  types?: string[];

  @ApiPropertyOptional({ description: 'Minimum final score' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  threshold?: number;
}
