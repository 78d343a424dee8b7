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
});
