import { parseFilters } from './filters';

describe('Mem0 filters', () => {
  it('reads flat keys, AND lists, a one-element OR, eq and created_at ranges', () => {
    expect(parseFilters({ user_id: 'alice' })).toEqual({ userId: 'alice' });
    expect(parseFilters({ AND: [{ user_id: 'alice' }, { agent_id: { eq: 'bot' } }, { run_id: 'r1' }] })).toEqual({ userId: 'alice', agentId: 'bot', runId: 'r1' });
    expect(parseFilters({ OR: [{ user_id: 'alice' }] })).toEqual({ userId: 'alice' });
    const r = parseFilters({ AND: [{ user_id: 'alice' }, { created_at: { gte: '2026-01-01', lt: '2026-02-01' } }, { created_at: { gte: '2026-01-10' } }] });
    expect(r.since?.toISOString()).toBe('2026-01-10T00:00:00.000Z');
    expect(r.until?.toISOString()).toBe('2026-01-31T23:59:59.999Z');
  });

  it('refuses anything else with the filter path as the field', () => {
    const field = (raw: unknown) => {
      try {
        parseFilters(raw);
      } catch (e) {
        return (e as { field: string }).field;
      }
      return 'accepted';
    };
    expect(field(undefined)).toBe('filters.user_id');
    expect(field({ agent_id: 'bot' })).toBe('filters.user_id');
    expect(field({ OR: [{ user_id: 'a' }, { user_id: 'b' }] })).toBe('filters.OR');
    expect(field({ user_id: 'a', categories: { in: ['x'] } })).toBe('filters.categories');
    expect(field({ user_id: '*' })).toBe('filters.user_id');
    expect(field({ AND: [{ user_id: 'a' }, { user_id: 'b' }] })).toBe('filters.AND.1.user_id');
    expect(field({ user_id: 'a', created_at: { gte: 'soon' } })).toBe('filters.created_at.gte');
    expect(field({ user_id: 'a', created_at: { between: 1 } })).toBe('filters.created_at.between');
    expect(field({ user_id: 'a', created_at: { gte: '2026-02-01', lte: '2026-01-01' } })).toBe('filters.created_at');
    expect(field({ AND: { user_id: 'a' } })).toBe('filters.AND');
  });

  it('bounds AND nesting (naming filters), ids and dates like the rest of the API', () => {
    const field = (raw: unknown) => {
      try {
        parseFilters(raw);
      } catch (e) {
        return [(e as { field: string }).field, (e as Error).message];
      }
      return 'accepted';
    };
    const nest = (n: number): unknown => (n === 0 ? { user_id: 'alice' } : { AND: [nest(n - 1)] });
    expect(parseFilters(nest(8))).toEqual({ userId: 'alice' });
    expect(field(nest(9))).toEqual(['filters', `filters nests AND deeper than 8 levels (at filters${'.AND.0'.repeat(9)})`]);
    // 5,000 levels: refused at level 9, long before the recursion could overflow the stack
    expect(field(nest(5_000))[0]).toBe('filters');
    expect(field({ user_id: 'al\udc00ice' })).toEqual(['filters.user_id', 'filters.user_id must not contain lone UTF-16 surrogates (invalid Unicode)']);
    expect(field({ user_id: 'alice\u200b' })).toEqual(['filters.user_id', 'filters.user_id must not contain whitespace, invisible characters or U+FFFD']);
    expect(field({ user_id: 'a\u0000' })).toEqual(['filters.user_id', 'filters.user_id must not contain NUL bytes (\\u0000)']);
    expect(field({ user_id: 'a'.repeat(129) })[0]).toBe('filters.user_id');
    expect(field({ user_id: 'a', created_at: { gte: 1_700_000_000_000 } })).toEqual(['filters.created_at.gte', 'filters.created_at.gte looks like milliseconds (1700000000000); Unix seconds are expected: divide by 1000']);
    expect(field({ user_id: 'a', created_at: { gte: '0000-01-01' } })[0]).toBe('filters.created_at.gte');
    expect(field({ user_id: 'a', created_at: { lte: '+275760-09-13T00:00:00Z' } })[0]).toBe('filters.created_at.lte');
    expect(parseFilters({ user_id: 'a', created_at: { gte: 1_700_000_000, lte: '2999-01-01' } })).toEqual({ userId: 'a', since: new Date(1_700_000_000_000), until: new Date('2999-01-01T00:00:00Z') });
  });
});
