import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNumber, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { BodyLimit, SafeId, SafeInt, SafeTime } from '@frontier/platform-nest';
import { idProblem, InvalidInputError, parseTime } from '@frontier/platform-util';
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
 *
 * The events are checked by {@link toEventInputs} in one pass with the platform's input rules
 * (platform-util `idProblem` and `parseTime`, the functions behind `@SafeId` and `@SafeTime`), not by
 * class-validator per element: on a 1,000-event batch class-transformer + class-validator took
 * 15-20 ms of CPU and most of the garbage (a third of recsys-api's CPU at 20k events/s, measured with
 * bench/recsys/ingest.ts --api-node-args=--cpu-prof). {@link EventDto} documents the same rules and
 * a spec holds the one-pass check to its decorators' verdicts.
 */
@BodyLimit(4 * MiB)
export class IngestEventsDto {
  @ApiProperty({ type: [EventDto], minItems: 1, maxItems: EVENTS_MAX })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENTS_MAX)
  events!: unknown[];
}

const EVENT_KEYS = new Set(['event_id', 'user_id', 'item_id', 'type', 'watch_seconds', 'surface', 'request_id', 'position', 'propensity', 'at']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPES_TEXT = EVENT_TYPES.join(', ');
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The first problem of one event as `[key, message starting with the key]` (class-validator's wording where it has one), or null. */
export function eventProblem(raw: unknown, now = Date.now()): [string, string] | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['', 'must be an object'];
  const e = raw as Record<string, unknown>;
  for (const k of Object.keys(e)) if (!EVENT_KEYS.has(k)) return [k, `${k} should not exist (not a property of an event)`];
  for (const k of ['event_id', 'user_id', 'item_id'] as const) {
    const p = idProblem(e[k]);
    if (p) return [k, `${k} ${p}`];
  }
  if (!(EVENT_TYPES as readonly unknown[]).includes(e['type'])) return ['type', `type must be one of the following values: ${TYPES_TEXT}`];
  const w = e['watch_seconds'];
  if (w !== undefined && w !== null) {
    if (!isNumber(w)) return ['watch_seconds', 'watch_seconds must be a number conforming to the specified constraints'];
    if (w < 0) return ['watch_seconds', 'watch_seconds must not be less than 0'];
    if (w > WATCH_SECONDS_MAX) return ['watch_seconds', `watch_seconds must not be greater than ${WATCH_SECONDS_MAX}`];
  }
  if (e['surface'] !== undefined && e['surface'] !== null) {
    const p = idProblem(e['surface'], { max: 64 });
    if (p) return ['surface', `surface ${p}`];
  }
  const r = e['request_id'];
  if (r !== undefined && r !== null && !(typeof r === 'string' && UUID.test(r))) return ['request_id', 'request_id must be a UUID'];
  const pos = e['position'];
  if (pos !== undefined && pos !== null && !(typeof pos === 'number' && Number.isSafeInteger(pos) && pos >= 0 && pos <= 999)) return ['position', 'position must be an integer from 0 to 999'];
  const pr = e['propensity'];
  if (pr !== undefined && pr !== null) {
    if (!isNumber(pr)) return ['propensity', 'propensity must be a number conforming to the specified constraints'];
    if (pr < Number.MIN_VALUE) return ['propensity', `propensity must not be less than ${Number.MIN_VALUE}`];
    if (pr > 1) return ['propensity', 'propensity must not be greater than 1'];
  }
  if (e['at'] !== undefined && e['at'] !== null) {
    const t = parseTime(e['at'], 'event', { seconds: true, now });
    if (t.problem) return ['at', `at ${t.problem}`];
  }
  return null;
}

/** The events of a request, checked in one pass (the first bad one is a 400 naming `events.<i>.<field>`); `at` defaults to now. */
export function toEventInputs(dto: IngestEventsDto, now = new Date()): EventInput[] {
  const nowMs = now.getTime();
  return dto.events.map((raw, i) => {
    const problem = eventProblem(raw, nowMs);
    if (problem) {
      // every message starts with its key: `events.3.type must be one of …`
      throw problem[0] ? new InvalidInputError(`events.${i}.${problem[0]}`, `events.${i}.${problem[1]}`) : new InvalidInputError(`events.${i}`, `events.${i} ${problem[1]}`);
    }
    const e = raw as EventDto & { at?: string | number };
    const at = e.at === undefined || e.at === null ? now : (parseTime(e.at, 'event', { seconds: true, now: nowMs }).date as Date);
    return {
      eventId: e.event_id,
      userId: e.user_id,
      itemId: e.item_id,
      type: e.type,
      ...(e.watch_seconds == null ? {} : { watchSeconds: e.watch_seconds }),
      ...(e.surface == null ? {} : { surface: e.surface }),
      ...(e.request_id == null ? {} : { requestId: e.request_id }),
      ...(e.position == null ? {} : { position: e.position }),
      ...(e.propensity == null ? {} : { propensity: e.propensity }),
      at,
    };
  });
}

export const presentIngest = (r: IngestResult) => ({ accepted: r.accepted, stored: r.stored, duplicates: r.duplicates, flagged: r.flagged, batch_id: r.batchId });
