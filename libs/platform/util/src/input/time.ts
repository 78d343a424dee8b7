/**
 * Times from callers: ISO 8601 strings or Unix seconds, inside a range Postgres and JavaScript
 * both store exactly, and never in the future where a time says when something happened.
 *
 * - `event` (when something was said or happened: a session's start, a turn, a Mem0 timestamp):
 *   from {@link TIME_MIN} (1970-01-01T00:00:00Z) to now + {@link FUTURE_SKEW_MS} (5 minutes of
 *   clock skew). A fact dated in the future would otherwise outrank every later correction.
 * - `bound` (a filter's since/until): from 1970-01-01 to {@link TIME_MAX} (9999-12-31T23:59:59.999Z).
 *
 * Why 1970: nothing a chat product stores predates the Unix epoch, and a lower bound keeps out
 * year 0 (`0000-01-01`: Postgres has no year 0) and JavaScript's ±275760 (Postgres cannot read
 * `+275760-09-13T00:00:00.000Z`), which otherwise reach the database and fail there.
 */
export const TIME_MIN = Date.UTC(1970, 0, 1);
export const TIME_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
export const FUTURE_SKEW_MS = 5 * 60_000;
/** Unix seconds at or above this (year 5138) are taken for milliseconds sent as seconds. */
export const MILLISECONDS_LIKELY = 1e11;

export type TimeKind = 'event' | 'bound';
export type TimeResult = { date: Date; problem?: undefined } | { date?: undefined; problem: string };

// YYYY-MM-DD, optionally THH:MM[:SS[.fraction]] and a zone (Z or ±HH[:]MM); no zone means UTC
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;
const EXAMPLE = 'such as 2026-01-31 or 2026-01-31T09:30:00Z';

const iso = (ms: number) => new Date(ms).toISOString();

function inRange(ms: number, kind: TimeKind, now: number): TimeResult {
  if (ms < TIME_MIN) return { problem: `must not be before ${iso(TIME_MIN)}` };
  const max = kind === 'event' ? now + FUTURE_SKEW_MS : TIME_MAX;
  if (ms > max) {
    return { problem: kind === 'event' ? `must not be in the future (latest accepted: ${iso(max)}, the server's clock plus 5 minutes)` : `must not be after ${iso(max)}` };
  }
  return { date: new Date(ms) };
}

function offsetMs(zone: string | undefined): number | null {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = Number(digits.slice(2));
  if (h > 23 || m > 59) return null;
  return (zone[0] === '-' ? -1 : 1) * (h * 60 + m) * 60_000;
}

/** An ISO 8601 date or date-time string read exactly (a day that does not exist is refused, not rolled over). */
export function parseIsoTime(value: string, kind: TimeKind, now = Date.now()): TimeResult {
  const m = ISO.exec(value);
  if (!m) return { problem: `must be an ISO 8601 date or date-time ${EXAMPLE}` };
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const fraction = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = offsetMs(m[8]);
  // years below 1970 never pass the range check, so Date.UTC's 0..99 → 1900s mapping cannot bite
  if (y < 1970) return { problem: `must not be before ${iso(TIME_MIN)}` };
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, fraction);
  const back = new Date(ms);
  if (offset === null || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) {
    return { problem: `is not a real date or time (${value})` };
  }
  return inRange(ms - offset, kind, now);
}

/** Unix seconds (integers only when `integer`), with milliseconds-given-as-seconds detected. */
export function parseUnixSeconds(value: number, kind: TimeKind, options: { integer?: boolean; now?: number } = {}): TimeResult {
  if (!Number.isFinite(value)) return { problem: 'must be a finite number of Unix seconds' };
  if (options.integer && !Number.isInteger(value)) return { problem: 'must be an integer number of Unix seconds' };
  if (Math.abs(value) >= MILLISECONDS_LIKELY) return { problem: `looks like milliseconds (${value}); Unix seconds are expected: divide by 1000` };
  return inRange(Math.round(value * 1000), kind, options.now ?? Date.now());
}

/** A time sent as an ISO string, or as Unix seconds where `seconds` allows numbers. */
export function parseTime(value: unknown, kind: TimeKind, options: { seconds?: boolean; integer?: boolean; now?: number } = {}): TimeResult {
  if (typeof value === 'string') return parseIsoTime(value, kind, options.now);
  if (typeof value === 'number' && options.seconds) return parseUnixSeconds(value, kind, options);
  return { problem: options.seconds ? `must be an ISO 8601 date-time string or Unix seconds` : `must be an ISO 8601 date-time string ${EXAMPLE}` };
}
