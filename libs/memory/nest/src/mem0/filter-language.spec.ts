import { BadRequestError, FIELD_OPS, type FilterField } from '@frontier/memory-data-access';
import { MAX_FILTER_CONDITIONS, MAX_FILTER_LIST, parseFilter, parseMetadataFilter } from './filter-language';

const fails = (raw: unknown, field: string, message: RegExp) => {
  let err: unknown;
  try {
    parseFilter(raw);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(BadRequestError);
  expect((err as BadRequestError).field).toBe(field);
  expect((err as Error).message).toMatch(message);
};

describe("Mem0's filter language read into a filter tree (no mocks)", () => {
  it('reads bare values as eq, "*" as exists, several keys as AND, and each logical operator of any arity', () => {
    expect(parseFilter({ user_id: 'alice' })).toEqual({ field: 'user_id', op: 'eq', value: 'alice' });
    expect(parseFilter({ agent_id: '*' })).toEqual({ field: 'agent_id', op: 'exists' });
    expect(parseFilter({ user_id: 'a', run_id: 'r' })).toEqual({ and: [{ field: 'user_id', op: 'eq', value: 'a' }, { field: 'run_id', op: 'eq', value: 'r' }] });
    expect(parseFilter({ OR: [{ user_id: 'a' }, { agent_id: 'b' }, { app_id: 'c' }] })).toEqual({ or: [{ field: 'user_id', op: 'eq', value: 'a' }, { field: 'agent_id', op: 'eq', value: 'b' }, { field: 'app_id', op: 'eq', value: 'c' }] });
    expect(parseFilter({ NOT: [{ user_id: 'a' }] })).toEqual({ not: [{ field: 'user_id', op: 'eq', value: 'a' }] });
    expect(parseFilter({ AND: [{ user_id: 'a' }] })).toEqual({ and: [{ field: 'user_id', op: 'eq', value: 'a' }] });
    expect(parseFilter({ user_id: { eq: 'a', ne: 'b' } })).toEqual({ and: [{ field: 'user_id', op: 'eq', value: 'a' }, { field: 'user_id', op: 'ne', value: 'b' }] });
  });

  it('accepts every operator each field documents, and refuses every other one naming it', () => {
    const sample: Record<FilterField, unknown> = {
      user_id: 'alice',
      agent_id: 'bot',
      app_id: 'web',
      run_id: 'r1',
      memory_id: '9b2f3c1e-8a4d-4c6b-9e2a-1f0d3c5b7a91',
      created_at: '2026-01-01',
      updated_at: 1767225600,
      timestamp: '2026-01-01T09:30:00Z',
      categories: 'food',
      metadata: 'x',
    };
    const all = ['eq', 'ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'contains', 'icontains'] as const;
    let accepted = 0;
    for (const [field, v] of Object.entries(sample) as Array<[FilterField, unknown]>) {
      const key = field === 'memory_id' ? 'memory_ids' : field;
      for (const op of all) {
        const value = op === 'in' || op === 'nin' ? [v] : v;
        const raw = field === 'metadata' ? { metadata: { k: { [op]: value } } } : { [key]: { [op]: value } };
        if (FIELD_OPS[field].includes(op)) {
          const n = parseFilter(raw) as { field: string; op: string; key?: string };
          expect(n).toMatchObject({ field, op, ...(field === 'metadata' ? { key: 'k' } : {}) });
          accepted++;
        } else {
          const path = field === 'metadata' ? `filters.metadata.k.${op}` : `filters.${key}.${op}`;
          fails(raw, path, /is not supported/);
        }
      }
      const star = field === 'metadata' ? { metadata: { k: '*' } } : { [key]: '*' };
      if (FIELD_OPS[field].includes('exists')) expect(parseFilter(star)).toMatchObject({ field, op: 'exists' });
      else fails(star, field === 'metadata' ? 'filters.metadata.k' : `filters.${key}`, /is not supported/);
    }
    expect(accepted).toBe(Object.values(FIELD_OPS).reduce((n, ops) => n + ops.filter((o) => o !== 'exists').length, 0));
  });

  it('types values: times as instants (ISO or Unix seconds), metadata as string / number / boolean, ids checked', () => {
    expect(parseFilter({ created_at: { gte: 1767225600 } })).toEqual({ field: 'created_at', op: 'gte', value: new Date('2026-01-01T00:00:00Z') });
    expect(parseFilter({ metadata: { n: { gt: 2.5 }, ok: true } })).toEqual({ and: [{ field: 'metadata', key: 'n', op: 'gt', value: 2.5 }, { field: 'metadata', key: 'ok', op: 'eq', value: true }] });
    expect(parseFilter({ categories: ['a', 'b'] })).toEqual({ field: 'categories', op: 'in', value: ['a', 'b'] });
    expect(parseMetadataFilter({ source: 'email' })).toEqual({ field: 'metadata', key: 'source', op: 'eq', value: 'email' });
    fails({ created_at: { gte: 1767225600000 } }, 'filters.created_at.gte', /milliseconds/);
    fails({ created_at: { gte: 'yesterday' } }, 'filters.created_at.gte', /ISO 8601/);
    fails({ metadata: { n: { gt: true } } }, 'filters.metadata.n.gt', /string or a number/);
    fails({ metadata: { n: { icontains: 3 } } }, 'filters.metadata.n.icontains', /must be a string/);
    fails({ metadata: { n: null } }, 'filters.metadata.n', /must not be null/);
    fails({ metadata: { n: { eq: { a: 1 } } } }, 'filters.metadata.n.eq', /string, a number or a boolean/);
    fails({ user_id: 'has space' }, 'filters.user_id', /whitespace/);
    fails({ memory_ids: { in: ['nope'] } }, 'filters.memory_ids.in.0', /UUID/);
    fails({ metadata: { ['k'.repeat(129)]: 1 } }, `filters.metadata.${'k'.repeat(129)}`, /1 to 128 characters/);
    fails({ user_id: { in: Array.from({ length: MAX_FILTER_LIST + 1 }, (_, i) => `u${i}`) } }, 'filters.user_id.in', /at most 500 values/);
  });

  it('refuses malformed trees naming the exact path', () => {
    fails(undefined, 'filters', /is required/);
    fails([], 'filters', /must be an object/);
    fails({}, 'filters', /at least one condition/);
    fails({ AND: {} }, 'filters.AND', /non-empty array/);
    fails({ AND: [{ user_id: 'a' }, 'x'] }, 'filters.AND.1', /must be an object/);
    fails({ NOT: [{ OR: [{ nope: 1 }] }] }, 'filters.NOT.0.OR.0.nope', /is not a filter field/);
    fails({ user_id: {} }, 'filters.user_id', /must name an operator/);
    fails({ user_id: { '>=': 'a' } }, 'filters.user_id.>=', /is not an operator/);
    fails({ keywords: { icontains: 'x' } }, 'filters.keywords', /encrypted at rest/);
    fails({ metadata: [] }, 'filters.metadata', /object of metadata keys/);
    let deep: Record<string, unknown> = { user_id: 'a' };
    for (let i = 0; i < 9; i++) deep = { OR: [deep] };
    fails(deep, 'filters', /deeper than 8 levels/);
    fails({ OR: Array.from({ length: MAX_FILTER_CONDITIONS + 1 }, (_, i) => ({ user_id: `u${i}` })) }, 'filters', /at most 100 conditions/);
  });
});
