import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { idProblem, parseTime, textProblem, totalLength, type IdRule, type TextRule, type TimeKind } from '@frontier/platform-util';

/**
 * The decorators every DTO field of a Frontier API uses, so one set of rules (platform-util's
 * `input` checks) decides what is stored: strings Postgres keeps as sent, ids that cannot collide,
 * bounded times, bounded integers. Each answers a 400 naming the field through the validation pipe.
 */

function rule(name: string, problem: (value: unknown) => string | null): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => problem(value) === null,
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} ${problem(args?.value) ?? 'is invalid'}`,
    },
  });
}

/** Each element of an array by `check`; the problem names the first bad index (`recent_turns.3 …`). */
function eachOf(check: (v: unknown) => string | null): (value: unknown) => string | null {
  return (value) => {
    if (!Array.isArray(value)) return 'must be an array';
    for (let i = 0; i < value.length; i++) {
      const p = check(value[i]);
      if (p) return `item ${i} ${p}`;
    }
    return null;
  };
}

/** Free text: no NUL, no lone surrogates, 1..max characters (see platform-util `textProblem`). `each` for a string array. */
export function SafeString(options: TextRule & { each?: boolean }): PropertyDecorator {
  const check = (v: unknown) => textProblem(v, options);
  return rule('safeString', options.each ? eachOf(check) : check);
}

/** An id: 1..max (128) characters, no whitespace, control or invisible characters, no U+FFFD. */
export function SafeId(options: IdRule = {}): PropertyDecorator {
  return rule('safeId', (v) => idProblem(v, options));
}

export interface SafeTimeOptions {
  /** `event`: 1970 … now + 5 min (when something happened); `bound`: 1970 … 9999 (a filter). */
  kind: TimeKind;
  /** Also accept Unix seconds (numbers); milliseconds given as seconds are refused. */
  seconds?: boolean;
  /** Seconds must be whole. */
  integer?: boolean;
  /** What the DTO holds after validation: a `Date` (default), the canonical ISO string, or the value as sent. */
  output?: 'date' | 'iso' | 'input';
}

/**
 * A time: an ISO 8601 string (a day or time that does not exist is refused, not rolled over; no
 * zone means UTC) or, with `seconds`, Unix seconds; bounded by `kind` (platform-util `parseTime`).
 */
export function SafeTime(options: SafeTimeOptions): PropertyDecorator {
  const read = (v: unknown) => parseTime(v, options.kind, options);
  const out = options.output ?? 'date';
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => {
      const r = value === undefined || value === null ? undefined : read(value);
      if (!r?.date || out === 'input') return value;
      return out === 'iso' ? r.date.toISOString() : r.date;
    }),
    // a Date here is one the transform produced from a valid input
    rule('safeTime', (v) => (v instanceof Date ? null : (read(v).problem ?? null))),
  );
}

/**
 * A bounded integer, from a JSON number or a query string of digits only (`1e20`, `0x10`, `1.0`,
 * `' 1'` and `''` are refused rather than converted).
 */
export function SafeInt(options: { min: number; max: number }): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value)),
    rule('safeInt', (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= options.min && v <= options.max ? null : `must be an integer from ${options.min} to ${options.max}`)),
  );
}

/** On an array of objects: the characters of `key` summed over its items stay within `max`. */
export function MaxTotalLength(key: string, max: number): PropertyDecorator {
  return rule('maxTotalLength', (v) => {
    const n = totalLength(v, key);
    return n > max ? `must hold at most ${max} characters of ${key} in all (got ${n})` : null;
  });
}
