/**
 * Input strings Postgres can store as they were sent, and ids that cannot collide or hide.
 *
 * Each check returns `null` when the value is fine, or the problem as the end of a sentence whose
 * subject is the field (`"must not contain NUL bytes"`), so callers write `${field} ${problem}`.
 * Lengths are counted in UTF-16 code units, like JavaScript's `length` (an emoji counts 2).
 */

/**
 * A surrogate that is not half of a pair (JSON `"\udc00"` decodes to one). UTF-8 cannot encode it,
 * so node-postgres writes U+FFFD instead: `al\udc00ice` and `al\udc01ice` would become one user.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** C0 and C1 control characters (tab and line breaks included), by code (lint keeps them out of regexes). */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}
/** Line and paragraph separators, which split a single-line value as a line break does. */
const SEPARATOR = /[\u2028\u2029]/;
/**
 * What an id may not contain besides controls: whitespace (any Unicode space), invisible format
 * characters (zero-width space and joiner, bidi overrides such as U+202E, BOM: `alice\u200b`
 * would look like `alice`), and U+FFFD, the mark of text already lost in decoding.
 */
const ID_INVISIBLE = /[\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ufffd]/;

export interface TextRule {
  /** Most characters (UTF-16 code units). */
  max: number;
  /** Fewest characters; default 1 (empty refused). */
  min?: number;
  /** One line: refuses control characters (tab and line breaks included) and U+2028/U+2029. */
  line?: boolean;
  /** Refuses a value that is only whitespace. */
  notBlank?: boolean;
}

export interface IdRule {
  /** Most characters; default 128. */
  max?: number;
  /** Further characters refused (e.g. `#` where it separates parts of a composite key). */
  forbid?: string;
}

export const DEFAULT_ID_MAX = 128;

/** Problems every stored string shares: not a string, NUL, lone surrogates. */
export function storableProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  // Postgres refuses U+0000 in `text` and `jsonb`: the insert fails (a 500 unless refused first)
  if (value.includes('\0')) return 'must not contain NUL bytes (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'must not contain lone UTF-16 surrogates (invalid Unicode)';
  return null;
}

function length(value: string, min: number, max: number): string | null {
  if (value.length < min) return min === 1 ? 'must not be empty' : `must be at least ${min} characters`;
  if (value.length > max) return `must be at most ${max} characters (got ${value.length})`;
  return null;
}

/** Free text (content, queries, names): storable, bounded; with `line`, one line without controls. */
export function textProblem(value: unknown, rule: TextRule): string | null {
  const p = storableProblem(value);
  if (p) return p;
  const s = value as string;
  const l = length(s, rule.min ?? 1, rule.max);
  if (l) return l;
  if (rule.line && (hasControl(s) || SEPARATOR.test(s))) return 'must be one line without control characters';
  if (rule.notBlank && !/\S/.test(s)) return 'must not be blank';
  return null;
}

/**
 * An identifier (user, agent, session, turn ids): storable, 1..max characters, and nothing that
 * makes two different-looking ids equal or two equal-looking ids different — no whitespace,
 * control or invisible format characters, no U+FFFD.
 */
export function idProblem(value: unknown, rule: IdRule = {}): string | null {
  const p = storableProblem(value);
  if (p) return p;
  const s = value as string;
  const l = length(s, 1, rule.max ?? DEFAULT_ID_MAX);
  if (l) return l;
  if (hasControl(s)) return 'must not contain control characters';
  if (ID_INVISIBLE.test(s) || SEPARATOR.test(s)) return 'must not contain whitespace, invisible characters or U+FFFD';
  const bad = rule.forbid ? [...rule.forbid].find((c) => s.includes(c)) : undefined;
  if (bad !== undefined) return `must not contain ${JSON.stringify(bad)}`;
  return null;
}

/** Total characters of `key` over the items of an array (strings only; other values count 0). */
export function totalLength(items: unknown, key: string): number {
  if (!Array.isArray(items)) return 0;
  let n = 0;
  for (const it of items) {
    const v = typeof it === 'object' && it !== null ? (it as Record<string, unknown>)[key] : undefined;
    if (typeof v === 'string') n += v.length;
  }
  return n;
}
