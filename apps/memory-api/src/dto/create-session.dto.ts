import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, ValidateNested } from 'class-validator';
import { BodyLimit, MaxTotalLength, SafeId, SafeString, SafeTime } from '@frontier/platform-nest';
import { MiB, UserScopedDto } from './common';

/** A session's most turns, characters per turn and characters in all (about 100k tokens). */
export const SESSION_MAX_TURNS = 1_000;
export const TURN_MAX_CHARS = 20_000;
export const SESSION_MAX_CHARS = 400_000;

export class TurnDto {
  @ApiPropertyOptional({ example: 'D1:3', maxLength: 64, description: 'Your turn id; memories cite it as provenance' })
  @IsOptional()
  @SafeId({ max: 64 })
  id?: string;

  @ApiProperty({ enum: ['user', 'assistant', 'system'] })
  @IsIn(['user', 'assistant', 'system'])
  role!: 'user' | 'assistant' | 'system';

  @ApiProperty({ example: "I just moved to Lisbon and I'm allergic to peanuts.", maxLength: TURN_MAX_CHARS })
  @SafeString({ max: TURN_MAX_CHARS })
  content!: string;

  @ApiPropertyOptional({ example: 'Caroline', maxLength: 128 })
  @IsOptional()
  @SafeString({ max: 128, line: true })
  speaker?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'ISO 8601, 1970 … now + 5 min' })
  @IsOptional()
  @SafeTime({ kind: 'event' })
  at?: Date;
}

/**
 * The largest session validation accepts — 1,000 turns, 400,000 characters of content, every id
 * and name at its maximum, each character sent as a 6-byte `\uXXXX` escape — is about 3.7 MB of
 * compact JSON: the route's 4 MiB limit never refuses what validation would accept
 * (input-limits.e2e.spec.ts posts that body).
 */
@BodyLimit(4 * MiB)
export class CreateSessionDto extends UserScopedDto {
  @ApiProperty({ example: 'chat-2026-11-24-001', maxLength: 128, description: 'Your session id; posting it again is idempotent' })
  @SafeId()
  session_id!: string;

  @ApiPropertyOptional({ example: 'support-bot', maxLength: 128 })
  @IsOptional()
  @SafeId()
  agent_id?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'ISO 8601, 1970 … now + 5 min' })
  @IsOptional()
  @SafeTime({ kind: 'event' })
  started_at?: Date;

  @ApiProperty({ type: [TurnDto], maxItems: SESSION_MAX_TURNS, description: `At most ${SESSION_MAX_CHARS} characters of content in all` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SESSION_MAX_TURNS)
  @MaxTotalLength('content', SESSION_MAX_CHARS)
  @ValidateNested({ each: true })
  @Type(() => TurnDto)
  turns!: TurnDto[];
}
