import fc from 'fast-check';
import { startMemoryApi, type InputHarness } from '../input.spec-helper';

/**
 * The Mem0 routes of issue 14 (filters of any shape, metadata, custom categories, agent / app
 * scopes, async add, events, the older routes, project settings) under fast-check: no 5xx but
 * 501, and a refused request stores nothing. `FUZZ_SEED` replays a run.
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env['MEM0_FUZZ_RUNS'] ?? 400);

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)); // NUL and lone surrogates included
const hostileString = fc.oneof(
  fc.constantFrom('', ' ', '*', '%', '_', "'; DROP TABLE memories; --", 'a\\b', '\u0001agent:bot', '$1', '{}', 'null', '1e309', '2026-02-30', 'x'.repeat(2_000)),
  fc.string({ unit: anyUnit, maxLength: 12 }),
);
const hostileScalar = fc.oneof(hostileString, fc.double(), fc.integer(), fc.constantFrom(1e308, -0, 2 ** 53 + 1, 1e11), fc.boolean(), fc.constant(null));
const hostile: fc.Arbitrary<unknown> = fc.oneof({ weight: 5, arbitrary: hostileScalar }, { weight: 1, arbitrary: fc.array(hostileScalar, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.dictionary(hostileString, hostileScalar, { maxKeys: 3 }) });
const id = fc.constantFrom('alice', 'bob', 'bot', 'web', 'run-1');
const valueFor = fc.oneof({ weight: 12, arbitrary: fc.oneof(id, fc.integer({ min: -5, max: 5 }), fc.constantFrom('2026-01-01', 1767225600, true, 'email')) }, { weight: 1, arbitrary: hostile });
const op = fc.oneof({ weight: 12, arbitrary: fc.constantFrom('eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'contains', 'icontains') }, { weight: 1, arbitrary: fc.constantFrom('between', '>=', '$eq') });
const condition = fc.oneof(valueFor, fc.constant('*'), fc.dictionary(op, fc.oneof(valueFor, fc.array(valueFor, { maxLength: 3 })), { minKeys: 1, maxKeys: 2 }));
const fieldName = fc.oneof({ weight: 12, arbitrary: fc.constantFrom('user_id', 'agent_id', 'app_id', 'run_id', 'memory_ids', 'created_at', 'updated_at', 'timestamp', 'categories') }, { weight: 1, arbitrary: fc.constantFrom('keywords', 'priority') });
const leaf = fc.oneof(
  fc.tuple(fieldName, condition).map(([k, v]) => ({ [k]: v })),
  fc.dictionary(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('source', 'priority', 'tags') }, { weight: 1, arbitrary: hostileString }), condition, { minKeys: 1, maxKeys: 2 }).map((m) => ({ metadata: m })),
);
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, leaf, fc.record({ AND: fc.array(tie('tree'), { maxLength: 3 }) }), fc.record({ OR: fc.array(tie('tree'), { maxLength: 3 }) }), fc.record({ NOT: fc.array(tie('tree'), { maxLength: 2 }) }), fc.constant({ user_id: 'alice' })),
}));
const field = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: hostile });
const optional = <T>(valid: fc.Arbitrary<T>) => fc.option(field(valid), { nil: undefined, freq: 3 });
const metadata = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 })), { maxKeys: 3 });
const categories = fc.array(fc.dictionary(fc.constantFrom('food', 'travel', 'pets'), fc.string({ maxLength: 20 }), { minKeys: 1, maxKeys: 1 }), { maxLength: 2 });
const message = fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.constantFrom('I keep bees.', 'Booked flights to Lisbon.', 'My dog is called Rex.') });
const add = fc.record(
  { user_id: optional(id), agent_id: optional(id), app_id: optional(id), run_id: optional(id), infer: optional(fc.constant(false)), async_mode: optional(fc.boolean()), metadata: optional(metadata), custom_categories: optional(categories), expiration_date: optional(fc.constantFrom('2030-01-01', '2020-01-01', '2026-02-30', '2030-01-01T10:00:00Z')), messages: field(fc.array(message, { minLength: 1, maxLength: 2 })) },
  { requiredKeys: ['messages'] },
);
const search = fc.record({ query: field(fc.constantFrom('bees', 'flights')), filters: field(tree), threshold: optional(fc.double({ min: 0, max: 1, noNaN: true })), fields: optional(fc.array(fc.constantFrom('id', 'memory', 'metadata', 'score', 'secret'), { maxLength: 3 })), keyword_search: optional(fc.boolean()), categories: optional(fc.array(fc.constantFrom('food', 'context'), { maxLength: 2 })), metadata: optional(metadata) }, { requiredKeys: ['query', 'filters'] });
const getAll = fc.record({ filters: field(tree), show_expired: optional(fc.boolean()), latest_only: optional(fc.boolean()), fields: optional(fc.array(fc.constantFrom('id', 'memory', 'updated_at'), { maxLength: 2 })) }, { requiredKeys: ['filters'] });

type Call = { method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string; body?: unknown; label?: string };
const calls: fc.Arbitrary<Call> = fc.oneof(
  add.map((body) => ({ method: 'post' as const, path: '/mem0/v3/memories/add', body })),
  add.map((body) => ({ method: 'post' as const, path: '/mem0/v1/memories', body })),
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('/mem0/v3/memories/search', '/mem0/v2/memories/search'), search).map(([path, body]) => ({ method: 'post' as const, path, body })) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('/mem0/v3/memories', '/mem0/v2/memories'), getAll).map(([path, body]) => ({ method: 'post' as const, path, body })) },
  fc.constantFrom('00000000-0000-4000-8000-000000000000', 'nope', '%00').map((e) => ({ method: 'get' as const, path: `/mem0/v1/event/${e}`, label: '/mem0/v1/event/:id' })),
  fc.record({ custom_categories: field(fc.option(categories, { nil: null })), custom_instructions: optional(fc.constant('x')) }).map((body) => ({ method: 'patch' as const, path: '/mem0/api/v1/orgs/organizations/o/projects/p', body, label: 'PATCH project' })),
  fc.record({ metadata: field(fc.option(metadata, { nil: null })), text: optional(fc.constant('I keep wasps.')), timestamp: optional(fc.constantFrom(1767225600, 1767225600000)), expiration_date: optional(fc.constantFrom('2030-01-01', null)) }).map((body) => ({ method: 'put' as const, path: '/mem0/v1/memories/00000000-0000-4000-8000-000000000000', body, label: '/mem0/v1/memories/:id' })),
);

describe('Mem0 routes of issue 14 under input fuzz (fast-check; real Postgres and Redis)', () => {
  let h: InputHarness;
  beforeAll(async () => {
    h = await startMemoryApi('memory_mem0_fuzz');
  }, 180_000);
  afterAll(() => h.close());

  it(`answers no 5xx but 501 and stores nothing on a refusal (seed ${SEED}, ${RUNS} runs)`, async () => {
    process.stdout.write(`mem0 input fuzz: FUZZ_SEED=${SEED} MEM0_FUZZ_RUNS=${RUNS}\n`);
    const statuses: Record<string, Record<number, number>> = {};
    let stored = await h.counts();
    await fc.assert(
      fc.asyncProperty(calls, async (c) => {
        let req = h.http[c.method](c.path).set(h.auth);
        if (c.body !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(c.body));
        const r = await req;
        const route = `${c.method.toUpperCase()} ${c.label ?? c.path}`;
        const seen = (statuses[route] ??= {});
        seen[r.status] = (seen[r.status] ?? 0) + 1;
        const what = `${route} ${JSON.stringify(c.body ?? null).slice(0, 400)} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
        if (r.status >= 500 && r.status !== 501) throw new Error(`5xx: ${what}`);
        const now = await h.counts();
        if (r.status >= 400 && JSON.stringify(now) !== JSON.stringify(stored)) throw new Error(`stored on a refusal: ${what}\n${JSON.stringify(stored)} → ${JSON.stringify(now)}`);
        stored = now;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    process.stdout.write(`mem0 input fuzz: statuses by route\n${Object.entries(statuses).map(([route, n]) => `  ${route}: ${JSON.stringify(n)}`).join('\n')}\n`);
    // the fuzz reaches the filters (not only validation): some searches and listings answer 200
    expect(Object.entries(statuses).filter(([r]) => /search|memories$/.test(r)).some(([, n]) => (n[200] ?? 0) > 0)).toBe(true);
  }, 300_000);
});
