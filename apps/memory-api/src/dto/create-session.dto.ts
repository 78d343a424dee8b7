import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDate, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { UserScopedDto } from './common';

export class TurnDto {
  @ApiPropertyOptional({ example: 'D1:3', description: 'Your turn id; memories cite it as provenance' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  id?: string;

  @ApiProperty({ enum: ['user', 'assistant', 'system'] })
  @IsIn(['user', 'assistant', 'system'])
  role!: 'user' | 'assistant' | 'system';

  @ApiProperty({ example: "I just moved to Lisbon and I'm allergic to peanuts." })
  @IsString()
  @Length(1, 20_000)
  content!: string;

  @ApiPropertyOptional({ example: 'Caroline' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  speaker?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  at?: Date;
}

export class CreateSessionDto extends UserScopedDto {
  @ApiProperty({ example: 'chat-2026-11-24-001', description: 'Your session id; posting it again is idempotent' })
  @IsString()
  @Length(1, 128)
  session_id!: string;

  @ApiPropertyOptional({ example: 'support-bot' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  agent_id?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  started_at?: Date;

  @ApiProperty({ type: [TurnDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5_000)
  @ValidateNested({ each: true })
  @Type(() => TurnDto)
  turns!: TurnDto[];
}
