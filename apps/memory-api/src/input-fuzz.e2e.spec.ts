import fc from 'fast-check';
import type { Test } from 'supertest';
import { startMemoryApi, type InputHarness } from './input.spec-helper';

/**
 * Issue 10, item 8: fast-check over the JSON shapes of every memory-api route (native and Mem0),
 * each field sometimes replaced by something hostile — NUL, lone surrogates, RTL overrides, emoji,
 * invisible characters, 20k–300k-character strings, NaN-ish and huge numbers, -0, dates Postgres
 * cannot store, the future, milliseconds, deep nesting — sent over HTTP to a real app on real
 * Postgres and Redis. No answer may be a 5xx (501 is the designed answer to Mem0 options and image
 * messages we do not serve), and a refused request (≥ 400) must leave every table's row count as
 * it was. Seeded: FUZZ_SEED=<n> replays a run, FUZZ_RUNS=<n> sizes it (default 800: about 25 s of requests on 2 cores).
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 800);
const UUID = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
const HOUR = 3_600_000;

// --- hostile pieces ---------------------------------------------------------------------------
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)); // NUL and lone surrogates included
const hostileString = fc.oneof(
  fc.constantFrom('a\u0000b', '\u0000', 'al\udc00ice', '\ud800', '\udc00\ud800', '\u202Eevil', '😀👨‍👩‍👧', 'שלום עולם', 'مرحبا', ' ', '', '\n', '\t\r', 'alice\u200b', '\ufeff', '\ufffd', '*', '#', '%00', '../..', "'; DROP TABLE memories;--", 'null', 'true', '1e20', 'NaN'),
  fc.string({ unit: anyUnit, maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(20_001, 300_000, 1_100_000).map((n) => 'x'.repeat(n)),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 1e20, -1e20, 1e308, 2 ** 53, 99_999_999_999, 1_700_000_000_000, 1_700_000_000),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const hostileDate = fc.oneof(
  fc.constantFrom('0000-01-01', '+275760-09-13T00:00:00.000Z', '-271821-04-20', '2026-02-30', '9999-12-31T23:59:59.999Z', '1969-12-31', '2999-01-01', 'yesterday', '2026-01-31T09:30:00+05:30', '2026-01-31T24:00'),
  fc.integer({ min: -2 * HOUR, max: 48 * HOUR }).map((d) => new Date(Date.now() + d).toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);
/** Deep nesting, kept as a marker (fast-check's reporting recurses) and written out by `serialize`. */
const deep = fc.record({ deep: fc.integer({ min: 20, max: 50_000 }), arrays: fc.boolean() });
const DEEP = /"deep:(\d+):(true|false)"/g;
const serialize = (body: unknown) =>
  JSON.stringify(body, (_k, v: unknown) => (v && typeof v === 'object' && 'deep' in v && 'arrays' in v ? `deep:${String(v.deep)}:${String(v.arrays)}` : v)).replace(DEEP, (_m, n: string, arrays: string) =>
    arrays === 'true' ? '['.repeat(Number(n)) + '1' + ']'.repeat(Number(n)) : '{"AND":['.repeat(Number(n)) + '{"user_id":"alice"}' + ']}'.repeat(Number(n)),
  );
const scalar = fc.oneof(hostileString, hostileNumber, hostileDate, fc.boolean(), fc.constant(null));
const hostile: fc.Arbitrary<unknown> = fc.oneof({ weight: 6, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.dictionary(hostileString, scalar, { maxKeys: 3 }) }, { weight: 1, arbitrary: deep });

/** A valid value most of the time (so that most requests have one or two bad fields), a hostile one otherwise. */
const field = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: hostile });
/** As `field`, or absent. */
const optional = <T>(valid: fc.Arbitrary<T>) => fc.option(field(valid), { nil: undefined, freq: 3 });
const id = fc.oneof(fc.constantFrom('alice', 'bob', 'user-42', 'D1:3'), fc.stringMatching(/^[a-z0-9_-]{1,12}$/));
const text = fc.oneof(fc.constantFrom('I live in Lisbon.', 'I am allergic to peanuts', 'My daughter is 7'), fc.string({ minLength: 1, maxLength: 60 }));
const role = fc.constantFrom('user', 'assistant', 'system');
const type = fc.constantFrom('preference', 'location', 'work', 'health');
const past = fc.integer({ min: 1, max: 5 * 365 * 24 }).map((h) => new Date(Date.now() - h * HOUR).toISOString());

/** A path segment from a hostile string (lone surrogates and raw bytes as the mis-encoded bytes they would arrive as). */
const segment = fc.oneof(
  { weight: 2, arbitrary: id.map(encodeURIComponent) },
  { weight: 2, arbitrary: fc.constant(UUID) },
  fc.constantFrom('%00', 'a%00b', '%ED%B3%80', 'al%ED%B3%80ice', '%FF', '%0A', '%20', '%E2%80%AE', 'x'.repeat(600), '..', '%2F'),
  hostileString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd')).slice(0, 2_000)),
);
/** A raw query-string value, hostile or not. */
const qv = (valid: fc.Arbitrary<string>) => fc.oneof({ weight: 12, arbitrary: valid.map(encodeURIComponent) }, { weight: 1, arbitrary: segment }, { weight: 1, arbitrary: fc.constantFrom('1e20', '-0', 'NaN', 'Infinity', '0x10', '1.5', '', '99999999999999999999') });
const query = (parts: Record<string, fc.Arbitrary<string | undefined>>) =>
  fc.record(parts).map((q) =>
    Object.entries(q)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
      .join('&'),
  );

// --- the routes' shapes -----------------------------------------------------------------------
type Call = { method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string; query?: string; body?: unknown; label?: string };
const turnShape = fc.record({ id: optional(id), role: field(role), content: field(text), speaker: optional(text), at: optional(past) }, { requiredKeys: ['role', 'content'] });
const messageShape = fc.record({ role: field(role), content: field(text), name: optional(text) }, { requiredKeys: ['role', 'content'] });
const filters = fc.oneof(
  fc.record({ user_id: field(id) }),
  fc.record({ AND: fc.array(fc.oneof(fc.record({ user_id: field(id) }), fc.record({ agent_id: field(id) }), fc.record({ created_at: fc.record({ gte: field(past), lte: optional(hostileDate) }) })), { maxLength: 4 }) }),
  hostile,
);
const userQuery = query({ user_id: qv(id) });

const calls: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ user_id: field(id), session_id: field(id), agent_id: optional(id), started_at: optional(past), turns: field(fc.array(turnShape, { minLength: 1, maxLength: 4 })) }, { requiredKeys: ['user_id', 'session_id', 'turns'] }).map((body) => ({ method: 'post' as const, path: '/v1/sessions', body })),
  fc.record({ user_id: field(id), query: field(text), recent_turns: optional(fc.array(text, { maxLength: 3 })), limit: optional(fc.integer({ min: 1, max: 100 })), types: optional(fc.array(type, { maxLength: 2 })), threshold: optional(fc.double({ min: 0, max: 1, noNaN: true })) }, { requiredKeys: ['user_id', 'query'] }).map((body) => ({ method: 'post' as const, path: '/v1/memories/search', body })),
  query({ user_id: qv(id), page: fc.option(qv(fc.integer({ min: 1, max: 20 }).map(String)), { nil: undefined }), page_size: fc.option(qv(fc.constantFrom('1', '50', '500')), { nil: undefined }), since: fc.option(qv(hostileDate), { nil: undefined }), until: fc.option(qv(past), { nil: undefined }), type: fc.option(qv(type), { nil: undefined }) }).map((q) => ({ method: 'get' as const, path: '/v1/memories', query: q })),
  fc.tuple(fc.constantFrom('get', 'delete') as fc.Arbitrary<'get' | 'delete'>, segment, userQuery).map(([method, s, q]) => ({ method, path: `/v1/memories/${s}`, label: '/v1/memories/:id', query: q })),
  fc.tuple(segment, userQuery).map(([s, q]) => ({ method: 'get' as const, path: `/v1/memories/${s}/history`, label: '/v1/memories/:id/history', query: q })),
  fc.tuple(segment, userQuery).map(([s, q]) => ({ method: 'get' as const, path: `/v1/sessions/${s}`, label: '/v1/sessions/:id', query: q })),
  fc.tuple(segment, userQuery).map(([s, q]) => ({ method: 'delete' as const, path: `/v1/sessions/${s}/memories`, label: '/v1/sessions/:id/memories', query: q })),
  userQuery.map((q) => ({ method: 'get' as const, path: '/v1/profile', query: q })),
  fc.tuple(segment, fc.record({ user_id: field(id), text: optional(text), type: optional(type), confidence: optional(fc.double({ min: 0, max: 1, noNaN: true })) }, { requiredKeys: ['user_id'] })).map(([s, body]) => ({ method: 'patch' as const, path: `/v1/memories/${s}`, label: '/v1/memories/:id', body })),
  fc.record({ user_id: field(id), agent_id: optional(id), run_id: optional(id), infer: optional(fc.constant(false)), timestamp: optional(fc.integer({ min: 1_600_000_000, max: 1_750_000_000 })), messages: field(fc.array(messageShape, { minLength: 1, maxLength: 3 })) }, { requiredKeys: ['user_id', 'messages'] }).map((body) => ({ method: 'post' as const, path: '/mem0/v3/memories/add', body })),
  fc.record({ query: field(text), filters, top_k: optional(fc.integer({ min: 1, max: 100 })), categories: optional(fc.array(type, { maxLength: 2 })) }, { requiredKeys: ['query', 'filters'] }).map((body) => ({ method: 'post' as const, path: '/mem0/v3/memories/search', body })),
  fc.tuple(query({ page: fc.option(qv(fc.constantFrom('1', '2')), { nil: undefined }), page_size: fc.option(qv(fc.constantFrom('10', '100')), { nil: undefined }) }), fc.record({ filters, start_date: optional(past), end_date: optional(hostileDate) }, { requiredKeys: ['filters'] })).map(([q, body]) => ({ method: 'post' as const, path: '/mem0/v3/memories', query: q, body })),
  fc.tuple(fc.constantFrom('get', 'delete') as fc.Arbitrary<'get' | 'delete'>, segment).map(([method, s]) => ({ method, path: `/mem0/v1/memories/${s}`, label: '/mem0/v1/memories/:id' })),
  query({ user_id: qv(id), run_id: fc.option(qv(id), { nil: undefined }) }).map((q) => ({ method: 'delete' as const, path: '/mem0/v1/memories', query: q })),
  fc.tuple(fc.constantFrom('put', 'delete') as fc.Arbitrary<'put' | 'delete'>, field(fc.array(fc.record({ memory_id: field(fc.constant(UUID)), text: field(text) }), { minLength: 1, maxLength: 3 }))).map(([method, memories]) => ({ method, path: '/mem0/v1/batch', body: { memories } })),
  fc.record({ schema: field(fc.constant({ type: 'object', properties: { memories: { type: 'array' } } })), filters, export_instructions: optional(text) }, { requiredKeys: ['schema', 'filters'] }).map((body) => ({ method: 'post' as const, path: '/mem0/v1/exports', body })),
);

describe('memory-api input fuzz (fast-check over every route; real Postgres and Redis)', () => {
  let h: InputHarness;
  beforeAll(async () => {
    h = await startMemoryApi('memory_fuzz');
  }, 180_000);
  afterAll(() => h.close());

  it(`answers no 5xx and stores nothing on a refusal (seed ${SEED}, ${RUNS} runs)`, async () => {
    process.stdout.write(`input fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}\n`);
    const statuses: Record<string, Record<number, number>> = {};
    let stored = await h.counts();
    await fc.assert(
      fc.asyncProperty(calls, async (c) => {
        let req: Test = h.http[c.method](c.query ? `${c.path}?${c.query}` : c.path).set(h.auth);
        if (c.body !== undefined) req = req.set('content-type', 'application/json').send(serialize(c.body));
        const r = await req;
        const route = `${c.method.toUpperCase()} ${c.label ?? c.path}`;
        const seen = (statuses[route] ??= {});
        seen[r.status] = (seen[r.status] ?? 0) + 1;
        const what = `${c.method.toUpperCase()} ${c.path} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
        if (process.env['FUZZ_DEBUG'] && r.status === 400) process.stdout.write(`${c.method} ${c.path} ${(c.query ?? '').slice(0, 200)} ${serialize(c.body ?? null).slice(0, 200)} → ${JSON.stringify(r.body.message).slice(0, 200)}\n`);
        if (r.status >= 500 && r.status !== 501) throw new Error(`5xx: ${what}`);
        const now = await h.counts();
        if (r.status >= 400 && JSON.stringify(now) !== JSON.stringify(stored)) throw new Error(`stored on a refusal: ${what}\n${JSON.stringify(stored)} → ${JSON.stringify(now)}`);
        stored = now;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    process.stdout.write(`input fuzz: statuses by route\n${Object.entries(statuses).map(([route, n]) => `  ${route}: ${JSON.stringify(n)}`).join('\n')}\n`);
  }, 120_000);
});
