import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNumber, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { BodyLimit, SafeId, SafeInt, SafeTime } from '@frontier/platform-nest';
import { EVENT_TYPES, type EventType } from '@frontier/recsys-domain';
import type { EventInput, IngestResult } from '@frontier/recsys-nest';

/** Events per POST /v1/events. */
export const EVENTS_MAX = 1_000;
/** Longest watch time of one event: a day. */
export const WATCH_SECONDS_MAX = 86_400;
const MiB = 1024 * 1024;

export class EventDto {
  @ApiProperty({ example: 'evt-7f3a', maxLength: 128, description: 'Your id for the event: sending it again (a retry) stores nothing more' })
  @SafeId()
  event_id!: string;

  @ApiProperty({ example: 'user-42', maxLength: 128, description: 'Your user id; a user is created by their first event' })
  @SafeId()
  user_id!: string;

  @ApiProperty({ example: 'video-9', maxLength: 128, description: 'An item stored with PUT /v1/items (deleted ones included)' })
  @SafeId()
  item_id!: string;

  @ApiProperty({ enum: EVENT_TYPES })
  @IsIn(EVENT_TYPES)
  type!: EventType;

  @ApiPropertyOptional({ example: 12.5, minimum: 0, maximum: WATCH_SECONDS_MAX, description: 'Seconds watched: required for `watch`, refused for the other types' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(WATCH_SECONDS_MAX)
  watch_seconds?: number;

  @ApiPropertyOptional({ example: 'home', maxLength: 64 })
  @IsOptional()
  @SafeId({ max: 64 })
  surface?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The `request_id` of the recommendation response that showed the item' })
  @IsOptional()
  @IsUUID()
  request_id?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 999, description: "The item's position in that response (0 = first)" })
  @IsOptional()
  @SafeInt({ min: 0, max: 999 })
  position?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1, description: 'For impressions logged by your own policy: the probability it showed the item there' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(Number.MIN_VALUE)
  @Max(1)
  propensity?: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'When it happened: ISO 8601 (or Unix seconds), 1970 … now + 5 min; default: when it arrives' })
  @IsOptional()
  @SafeTime({ kind: 'event', seconds: true })
  at?: Date;
}

/**
 * The largest batch validation accepts — 1,000 events, every id at 128 characters sent as 6-byte
 * `\uXXXX` escapes — is about 2.6 MB of JSON: the 4 MiB limit never refuses what validation would accept.
 */
@BodyLimit(4 * MiB)
export class IngestEventsDto {
  @ApiProperty({ type: [EventDto], minItems: 1, maxItems: EVENTS_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENTS_MAX)
  @ValidateNested({ each: true })
  @Type(() => EventDto)
  events!: EventDto[];
}

export function toEventInputs(dto: IngestEventsDto, now = new Date()): EventInput[] {
  return dto.events.map((e) => ({
    eventId: e.event_id,
    userId: e.user_id,
    itemId: e.item_id,
    type: e.type,
    ...(e.watch_seconds === undefined ? {} : { watchSeconds: e.watch_seconds }),
    ...(e.surface === undefined ? {} : { surface: e.surface }),
    ...(e.request_id === undefined ? {} : { requestId: e.request_id }),
    ...(e.position === undefined ? {} : { position: e.position }),
    ...(e.propensity === undefined ? {} : { propensity: e.propensity }),
    at: e.at ?? now,
  }));
}

export const presentIngest = (r: IngestResult) => ({ accepted: r.accepted, stored: r.stored, duplicates: r.duplicates, flagged: r.flagged, batch_id: r.batchId });
