import { depthViolation, FUTURE_SKEW_MS, idProblem, jsonProblem, parseTime, parseUnixSeconds, textProblem, TIME_MAX, TIME_MIN, totalLength } from '../index';

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);

describe('textProblem', () => {
  it('accepts storable text of the allowed length, emoji, RTL and line breaks included', () => {
    for (const s of ['hi', 'שלום עולם', '😀 family: 👨‍👩‍👧', 'two\nlines\ttab', '\u202Eevil', 'x'.repeat(10)]) expect(textProblem(s, { max: 20 })).toBeNull();
  });

  it('refuses non-strings, NUL, lone surrogates of either half, and bad lengths', () => {
    expect(textProblem(5, { max: 5 })).toBe('must be a string');
    expect(textProblem(null, { max: 5 })).toBe('must be a string');
    expect(textProblem('a\u0000b', { max: 5 })).toBe('must not contain NUL bytes (\\u0000)');
    expect(textProblem('al\udc00ice', { max: 9 })).toMatch(/lone UTF-16 surrogates/);
    expect(textProblem('al\ud800', { max: 9 })).toMatch(/lone UTF-16 surrogates/);
    expect(textProblem('\udc00\ud800', { max: 9 })).toMatch(/lone UTF-16 surrogates/); // reversed pair
    expect(textProblem('\ud83d\ude00', { max: 2 })).toBeNull(); // a real pair (😀) is 2 units
    expect(textProblem('', { max: 5 })).toBe('must not be empty');
    expect(textProblem('', { max: 5, min: 0 })).toBeNull();
    expect(textProblem('ab', { max: 5, min: 3 })).toBe('must be at least 3 characters');
    expect(textProblem('abcdef', { max: 5 })).toBe('must be at most 5 characters (got 6)');
    expect(textProblem('abcde', { max: 5 })).toBeNull();
  });

  it('one-line values refuse controls and separators; notBlank refuses whitespace only', () => {
    for (const s of ['a\nb', 'a\rb', 'a\tb', 'a\u001bb', 'a\u0085b', 'a\u2028b', 'a\u2029b', 'a\u007fb']) expect(textProblem(s, { max: 9, line: true })).toBe('must be one line without control characters');
    expect(textProblem('Caroline Smith', { max: 20, line: true })).toBeNull();
    expect(textProblem(' \n\t', { max: 9, notBlank: true })).toBe('must not be blank');
  });
});

describe('idProblem', () => {
  it('accepts ordinary ids up to the limit', () => {
    for (const s of ['user-42', 'D1:3', 'chat-2026-11-24-001', 'ünïcødé', '用户', 'a'.repeat(128), 'x#y']) expect(idProblem(s)).toBeNull();
  });

  it('refuses what collapses or hides: NUL, surrogates, controls, spaces, invisible characters, U+FFFD', () => {
    expect(idProblem('al\udc00ice')).toMatch(/lone UTF-16 surrogates/);
    expect(idProblem('a\u0000')).toMatch(/NUL/);
    expect(idProblem('a\u0007b')).toBe('must not contain control characters');
    expect(idProblem('a\u0085b')).toBe('must not contain control characters');
    for (const s of ['a b', 'a\u00a0b', 'a\u3000b', 'alice\u200b', 'a\u200db', '\u202Eecila', 'a\ufeff', 'al\ufffdice', 'a\u2028b', 'a\u00adb']) {
      expect([s, idProblem(s)]).toEqual([s, 'must not contain whitespace, invisible characters or U+FFFD']);
    }
  });

  it('bounds the length and refuses the characters a caller forbids', () => {
    expect(idProblem('')).toBe('must not be empty');
    expect(idProblem('a'.repeat(129))).toBe('must be at most 128 characters (got 129)');
    expect(idProblem('a'.repeat(65), { max: 64 })).toBe('must be at most 64 characters (got 65)');
    expect(idProblem('run#1', { forbid: '#' })).toBe('must not contain "#"');
    expect(idProblem(42)).toBe('must be a string');
  });

  it('totalLength adds up one string field over an array of objects', () => {
    expect(totalLength([{ c: 'ab' }, { c: 'cde' }, { c: 7 }, null, 'x'], 'c')).toBe(5);
    expect(totalLength('not an array', 'c')).toBe(0);
  });
});

describe('parseTime', () => {
  const ok = (v: unknown, kind: 'event' | 'bound' = 'bound', seconds = false) => parseTime(v, kind, { now: NOW, seconds }).date?.toISOString();
  const problem = (v: unknown, kind: 'event' | 'bound' = 'bound', seconds = false) => parseTime(v, kind, { now: NOW, seconds }).problem;

  it('reads ISO dates and date-times exactly; no zone means UTC', () => {
    expect(ok('2026-01-31')).toBe('2026-01-31T00:00:00.000Z');
    expect(ok('2026-01-31T09:30')).toBe('2026-01-31T09:30:00.000Z');
    expect(ok('2026-01-31T09:30:15.123456Z')).toBe('2026-01-31T09:30:15.123Z');
    expect(ok('2026-01-31 09:30:15.5+02:00')).toBe('2026-01-31T07:30:15.500Z');
    expect(ok('2026-01-31T09:30:15-0530')).toBe('2026-01-31T15:00:15.000Z');
    expect(ok('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('refuses days and times that do not exist instead of rolling them over', () => {
    for (const s of ['2026-02-29', '2026-02-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-01-01T24:00', '2026-01-01T10:60', '2026-01-01T10:00:60', '2026-01-01T10:00+24:00']) {
      expect([s, problem(s)]).toEqual([s, `is not a real date or time (${s})`]);
    }
  });

  it('refuses what is not ISO 8601, including the years Postgres cannot store', () => {
    for (const v of ['yesterday', '2026', '26-01-01', 'Sat, 31 Jan 2026 09:30:00 GMT', '+275760-09-13T00:00:00Z', '-271821-04-20', ' 2026-01-01', '2026-01-01T09:30:00ZZ', '']) {
      expect([v, problem(v)]).toEqual([v, 'must be an ISO 8601 date or date-time such as 2026-01-31 or 2026-01-31T09:30:00Z']);
    }
    expect(problem(1_700_000_000)).toMatch(/^must be an ISO 8601 date-time string/);
    expect(problem({})).toMatch(/^must be an ISO 8601 date-time string/);
  });

  it('bounds: not before 1970, not after 9999 (bound) or now + 5 minutes (event)', () => {
    expect(problem('0000-01-01')).toBe('must not be before 1970-01-01T00:00:00.000Z');
    expect(problem('1969-12-31T23:59:59.999Z')).toBe('must not be before 1970-01-01T00:00:00.000Z');
    expect(problem('1970-01-01T01:00:00+02:00')).toBe('must not be before 1970-01-01T00:00:00.000Z');
    expect(ok('1970-01-01T00:00:00Z')).toBe(new Date(TIME_MIN).toISOString());
    expect(ok('9999-12-31T23:59:59.999Z')).toBe(new Date(TIME_MAX).toISOString());
    expect(problem('9999-12-31T23:59:59-01:00')).toBe('must not be after 9999-12-31T23:59:59.999Z');
    const edge = new Date(NOW + FUTURE_SKEW_MS).toISOString();
    expect(ok(edge, 'event')).toBe(edge);
    expect(problem(new Date(NOW + FUTURE_SKEW_MS + 1).toISOString(), 'event')).toBe(`must not be in the future (latest accepted: ${edge}, the server's clock plus 5 minutes)`);
    expect(ok('2100-01-01')).toBe('2100-01-01T00:00:00.000Z'); // a far bound is fine
  });

  it('Unix seconds: integers where asked, milliseconds detected, the same range', () => {
    expect(ok(1_700_000_000, 'event', true)).toBe('2023-11-14T22:13:20.000Z');
    expect(ok(0, 'event', true)).toBe('1970-01-01T00:00:00.000Z');
    expect(problem(-1, 'event', true)).toBe('must not be before 1970-01-01T00:00:00.000Z');
    expect(problem(99_999_999_999, 'event', true)).toMatch(/^must not be in the future/); // year 5138: the pin
    expect(problem(99_999_999_999, 'bound', true)).toBeUndefined();
    expect(problem(1_700_000_000_000, 'event', true)).toBe('looks like milliseconds (1700000000000); Unix seconds are expected: divide by 1000');
    expect(problem(1e11, 'bound', true)).toMatch(/looks like milliseconds/);
    expect(problem(Number.NaN, 'bound', true)).toBe('must be a finite number of Unix seconds');
    expect(problem(Infinity, 'bound', true)).toBe('must be a finite number of Unix seconds');
    expect(parseUnixSeconds(1.5, 'event', { integer: true, now: NOW }).problem).toBe('must be an integer number of Unix seconds');
    expect(parseUnixSeconds(1.5, 'event', { now: NOW }).date?.getTime()).toBe(1500);
    expect(parseUnixSeconds(-0, 'event', { integer: true, now: NOW }).date?.getTime()).toBe(0);
  });
});

describe('depthViolation', () => {
  const nestArrays = (n: number) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown;
  const nestObjects = (n: number) => JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n)) as unknown;

  it('counts the root container as level 1 and scalars as nothing', () => {
    expect(depthViolation('x', 0)).toBeNull();
    expect(depthViolation({}, 1)).toBeNull();
    expect(depthViolation({}, 0)).toBe('');
    expect(depthViolation(nestArrays(32), 32)).toBeNull();
    expect(depthViolation(nestArrays(33), 32)).toBe(Array(32).fill('0').join('.'));
  });

  it('names the first too-deep path, through objects and arrays alike', () => {
    expect(depthViolation({ ok: [1, { x: 2 }], turns: [{ content: 'x' }, { meta: { a: { b: {} } } }] }, 4)).toBe('turns.1.meta.a');
    expect(depthViolation({ a: { b: {} }, c: { d: {} } }, 2)).toBe('a.b');
  });

  it('walks 50,000 nested arrays and a 3,000-deep object without recursion', () => {
    expect(depthViolation(nestArrays(50_000), 32)?.split('.')).toHaveLength(32);
    expect(depthViolation(nestObjects(3_000), 32)).toBe(Array(32).fill('a').join('.'));
    expect(depthViolation(nestObjects(3_000), 5_000)).toBeNull();
  });

  it('with strings, names the first key or value that is not storable, in document order', () => {
    const body = { user_id: 'alice', turns: [{ content: 'fine' }, { content: 'bad\u0000', speaker: 'x\udc00' }], z: 'a\u0000' };
    expect(jsonProblem(body, { strings: true })).toEqual({ path: 'turns.1.content', problem: 'must not contain NUL bytes (\\u0000)' });
    expect(jsonProblem(body)).toBeNull(); // strings are checked only when asked
    expect(jsonProblem({ ok: 1, meta: { 'k\ud800': 1, 'j\u0000': 2 } }, { strings: true })).toEqual({ path: 'meta', problem: 'has a key that must not contain lone UTF-16 surrogates (invalid Unicode)' });
    expect(jsonProblem('\udc00', { strings: true })).toEqual({ path: '', problem: 'must not contain lone UTF-16 surrogates (invalid Unicode)' });
    expect(jsonProblem([['a', ['\ud83d\ude00']]], { strings: true, maxDepth: 3 })).toBeNull();
    expect(jsonProblem([['a', ['b']]], { strings: true, maxDepth: 2 })).toEqual({ path: '0.1', problem: 'nests deeper than 2 levels' });
  });
});
