import { ExtractionService, MEMORY_CONTEXT, type MemoryContext } from '@frontier/memory-nest';
import { entityOwner } from '@frontier/memory-data-access';
import { startMem0Client, type Client, type Mem0ClientHarness } from './mem0-client.spec-helper';

type Row = { id: string; memory: string; metadata?: Record<string, unknown> | null; categories?: string[]; userId?: string | null; agentId?: string | null; appId?: string | null; createdAt?: string; updatedAt?: string };

/** Distinct texts of a result list (the episodic tier may keep a turn beside the fact stored verbatim: same text). */
const texts = (rows: Row[]) => [...new Set(rows.map((r) => r.memory))].sort();

describe('the official mem0ai client, unchanged: metadata round-trips and every filter operator runs against memory-api (loopback, real Postgres and Redis)', () => {
  let h: Mem0ClientHarness;
  let host: string;
  let key: string;
  let tenantId: string;
  let client: Client;
  let outbound: string[];

  const getAll = async (filters: Record<string, unknown>, extra: Record<string, unknown> = {}) => texts((await client.getAll({ filters, pageSize: 500, ...extra })).results as Row[]);
  /** A route the client has no method for, called the way it calls the others. */
  const raw = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${host}${path}`, { method, headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
  };

  beforeAll(async () => {
    h = await startMem0Client('memory_mem0_filters');
    ({ host, outbound } = h);
    ({ tenantId, key, client } = await h.tenant('acme'));

    // five memories of dana, stored verbatim (infer: false) so each message is one memory
    const said: Array<[string, Record<string, unknown>, string]> = [
      ['I take the 7:40 train to work.', { source: 'email', priority: 1, tags: ['commute', 'Work'], verified: true }, 'web'],
      ['Dinner with Sam on Friday at Nopa.', { source: 'Calendar', priority: 3, tags: ['social'], verified: false }, 'ios'],
      ['Allergic to penicillin.', { source: 'intake form', priority: 5, tags: ['health'] }, 'web'],
      ['Prefers window seats on long flights.', { source: 'chat', priority: 2.5, tags: [] }, 'ios'],
      ['Learning Portuguese on weekday mornings.', { source: 'chat', note: 'started in March' }, 'web'],
    ];
    for (const [content, metadata, appId] of said) {
      const r = await client.add([{ role: 'user', content }], { userId: 'dana', appId, metadata, infer: false, runId: appId === 'web' ? 'run-web' : 'run-ios' });
      expect(r).toEqual([expect.objectContaining({ event: 'ADD', memory: content, userId: 'dana', appId, runId: appId === 'web' ? 'run-web' : 'run-ios' })]);
    }
  }, 120_000);

  afterAll(() => h.close());

  it('metadata round-trips verbatim (keys and values untouched by the client) through add, get, getAll, search and update; created_at is the stored time, updated_at moves on change only', async () => {
    const all = (await client.getAll({ filters: { user_id: 'dana' }, pageSize: 500 })).results as Row[];
    const train = all.find((r) => r.memory === 'I take the 7:40 train to work.') as Row;
    expect(train.metadata).toEqual({ source: 'email', priority: 1, tags: ['commute', 'Work'], verified: true });
    expect(train.appId).toBe('web');
    const got = (await client.get(train.id)) as unknown as Row;
    expect(got.metadata).toEqual(train.metadata);
    expect(Date.parse(got.createdAt as string)).toBeGreaterThan(Date.now() - 120_000);
    expect(got.updatedAt).toBe(got.createdAt);
    const found = (await client.search('train to work', { filters: { user_id: 'dana' }, topK: 1 })).results as Row[];
    expect(found[0]?.metadata).toEqual(train.metadata);
    // a search counts a retrieval: that is no change of the memory
    expect(((await client.get(train.id)) as unknown as Row).updatedAt).toBe(got.createdAt);

    const updated = (await client.update(train.id, { metadata: { source: 'email', priority: 4, snake_key: { nested_key: 1 } } })) as unknown as Row;
    expect(updated.metadata).toEqual({ source: 'email', priority: 4, snake_key: { nested_key: 1 } });
    expect(updated.memory).toBe('I take the 7:40 train to work.');
    expect(Date.parse(updated.updatedAt as string)).toBeGreaterThan(Date.parse(got.createdAt as string));
    expect(await getAll({ AND: [{ user_id: 'dana' }, { metadata: { priority: 4 } }] })).toEqual(['I take the 7:40 train to work.']);
    await client.update(train.id, { metadata: { source: 'email', priority: 1, tags: ['commute', 'Work'], verified: true } });
  });

  it('runs each operator: eq, ne, in, nin, gt, gte, lt, lte, contains, icontains and "*"', async () => {
    const dana = (c: Record<string, unknown>) => getAll({ AND: [{ user_id: 'dana' }, c] });
    const TRAIN = 'I take the 7:40 train to work.';
    const DINNER = 'Dinner with Sam on Friday at Nopa.';
    const PEN = 'Allergic to penicillin.';
    const SEAT = 'Prefers window seats on long flights.';
    const PT = 'Learning Portuguese on weekday mornings.';
    const sorted = (...xs: string[]) => xs.sort();
    expect(await dana({ metadata: { source: 'chat' } })).toEqual(sorted(SEAT, PT));
    expect(await dana({ metadata: { source: { eq: 'email' } } })).toEqual([TRAIN]);
    expect(await dana({ metadata: { source: { ne: 'chat' } } })).toEqual(sorted(TRAIN, DINNER, PEN));
    expect(await dana({ metadata: { priority: { in: [1, 5] } } })).toEqual(sorted(TRAIN, PEN));
    expect(await dana({ metadata: { source: { nin: ['chat', 'email'] } } })).toEqual(sorted(DINNER, PEN));
    expect(await dana({ metadata: { priority: { gt: 2.5 } } })).toEqual(sorted(DINNER, PEN));
    expect(await dana({ metadata: { priority: { gte: 2.5 } } })).toEqual(sorted(DINNER, PEN, SEAT));
    expect(await dana({ metadata: { priority: { lt: 3 } } })).toEqual(sorted(TRAIN, SEAT));
    expect(await dana({ metadata: { priority: { lte: 3 } } })).toEqual(sorted(TRAIN, DINNER, SEAT));
    expect(await dana({ metadata: { source: { contains: 'form' } } })).toEqual([PEN]);
    expect(await dana({ metadata: { source: { contains: 'CAL' } } })).toEqual([]);
    expect(await dana({ metadata: { source: { icontains: 'CAL' } } })).toEqual([DINNER]);
    expect(await dana({ metadata: { tags: { contains: 'commute' } } })).toEqual([TRAIN]);
    expect(await dana({ metadata: { tags: { icontains: 'work' } } })).toEqual([TRAIN]);
    expect(await dana({ metadata: { verified: false } })).toEqual([DINNER]);
    expect(await dana({ metadata: { note: '*' } })).toEqual([PT]);
    expect(await dana({ metadata: { priority: '*' } })).toEqual(sorted(TRAIN, DINNER, PEN, SEAT));
    // entities: app_id, run_id with eq / ne / in / nin / *
    expect(await dana({ app_id: 'ios' })).toEqual(sorted(DINNER, SEAT));
    expect(await dana({ app_id: { ne: 'ios' } })).toEqual(sorted(TRAIN, PEN, PT));
    expect(await dana({ run_id: { in: ['run-ios'] } })).toEqual(sorted(DINNER, SEAT));
    expect(await dana({ run_id: { nin: ['run-ios'] } })).toEqual(sorted(TRAIN, PEN, PT));
    expect(await dana({ agent_id: '*' })).toEqual([]);
    // times: created_at (when stored), updated_at, timestamp (when said)
    expect(await dana({ created_at: { gte: '2020-01-01' } })).toHaveLength(5);
    expect(await dana({ created_at: { lt: '2020-01-01' } })).toEqual([]);
    expect(await dana({ updated_at: { lte: new Date(Date.now() + 60_000).toISOString() } })).toHaveLength(5);
    expect(await dana({ timestamp: { gt: Math.floor(Date.now() / 1000) + 3600 } })).toEqual([]);
    // categories: our type (a verbatim memory is `context`, or `health` by the sensitive-topic rules)
    expect(await dana({ categories: 'health' })).toEqual([PEN]);
    expect(await dana({ categories: { ne: 'health' } })).toEqual(sorted(TRAIN, DINNER, SEAT, PT));
    expect(await dana({ categories: { in: ['health', 'travel'] } })).toEqual([PEN]);
    expect(await dana({ categories: { nin: ['health'] } })).toEqual(sorted(TRAIN, DINNER, SEAT, PT));
    expect(await dana({ categories: { contains: 'heal' } })).toEqual([PEN]);
    expect(await dana({ categories: { icontains: 'HEAL' } })).toEqual([PEN]);
    expect(await dana({ categories: '*' })).toHaveLength(5);
  });

  it('AND / OR / NOT of any arity, on getAll and search (filters run before ranking, so a filtered memory is found however low it ranks)', async () => {
    const f = { AND: [{ user_id: 'dana' }, { OR: [{ metadata: { source: 'chat' } }, { metadata: { priority: { gte: 5 } } }, { app_id: 'nowhere' }] }, { NOT: [{ metadata: { note: '*' } }, { app_id: 'ios' }] }] };
    expect(await getAll(f)).toEqual(['Allergic to penicillin.']);
    const s = (await client.search('which seat do I like on a plane?', { filters: f, topK: 5 })).results as Row[];
    expect(texts(s)).toEqual(['Allergic to penicillin.']);
    // the same filter through the older routes (v2 search and getAll)
    const v2 = await raw('POST', '/v2/memories/search/', { query: 'plane', filters: f });
    expect(v2.status).toBe(200);
    expect(texts(v2.body['results'] as unknown as Row[])).toEqual(['Allergic to penicillin.']);
    const v2all = await raw('POST', '/v2/memories/', { filters: f });
    expect(v2all.body['count']).toBeGreaterThanOrEqual(1);
    expect(texts(v2all.body['results'] as unknown as Row[])).toEqual(['Allergic to penicillin.']);
  });

  it('fields projects each result; threshold is a 0–1 similarity; keyword_search is lexical only; rerank answers 501', async () => {
    const projected = (await client.search('train', { filters: { user_id: 'dana' }, fields: ['memory', 'metadata', 'score'], topK: 2 })).results as unknown as Array<Record<string, unknown>>;
    expect(Object.keys(projected[0] ?? {}).sort()).toEqual(['memory', 'metadata', 'score']);
    const page = (await client.getAll({ filters: { user_id: 'dana' }, fields: ['id'] } as never)).results as unknown as Array<Record<string, unknown>>;
    expect(page.every((r) => Object.keys(r).join() === 'id')).toBe(true);
    await expect(client.search('train', { filters: { user_id: 'dana' }, fields: ['password'] })).rejects.toThrow(/fields\.0 must be one of/);

    const loose = (await client.search('train to work', { filters: { user_id: 'dana' }, topK: 10 })).results as Array<Row & { scoreBreakdown: { relevance: number } }>;
    const cut = ((loose[0]?.scoreBreakdown.relevance ?? 0) + (loose.at(-1)?.scoreBreakdown.relevance ?? 0)) / 2;
    const strict = (await client.search('train to work', { filters: { user_id: 'dana' }, topK: 10, threshold: cut })).results as Array<Row & { scoreBreakdown: { relevance: number } }>;
    expect(strict.length).toBeGreaterThan(0);
    expect(strict.length).toBeLessThan(loose.length);
    expect(strict.every((r) => r.scoreBreakdown.relevance >= cut)).toBe(true);

    const lexical = (await client.search('penicillin', { filters: { user_id: 'dana' }, keywordSearch: true })).results as Row[];
    expect(texts(lexical)).toEqual(['Allergic to penicillin.']);
    expect((await client.search('zebra', { filters: { user_id: 'dana' }, keywordSearch: true })).results).toEqual([]);
    expect((await client.search('train', { filters: { user_id: 'dana' }, latestOnly: true })).results.length).toBeGreaterThan(0);
    await expect(client.search('train', { filters: { user_id: 'dana' }, rerank: true })).rejects.toThrow(/rerank is not supported/);
  });

  it('memories of an agent (or an app) with no user: stored, found by agent_id, user_id null, never a user`s; deleteAll by agent', async () => {
    const added = await client.add([{ role: 'user', content: 'Always answer in British English.' }], { agentId: 'style-bot', infer: false, metadata: { kind: 'rule' } });
    expect(added).toEqual([expect.objectContaining({ event: 'ADD', userId: null, agentId: 'style-bot' })]);
    expect(await getAll({ agent_id: 'style-bot' })).toEqual(['Always answer in British English.']);
    const found = (await client.search('which spelling?', { filters: { agent_id: 'style-bot' } })).results as Row[];
    expect(found[0]).toMatchObject({ memory: 'Always answer in British English.', userId: null, agentId: 'style-bot', metadata: { kind: 'rule' } });
    // OR across a user and an agent: one ranking over both
    const both = (await client.search('English', { filters: { OR: [{ user_id: 'dana' }, { agent_id: 'style-bot' }] }, topK: 10 })).results as Row[];
    expect(new Set(both.map((r) => r.userId))).toEqual(new Set(['dana', null]));
    expect(await getAll({ user_id: '*' })).not.toContain('Always answer in British English.');
    expect((await client.users()).results).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'style-bot', type: 'agent' })]));
    await client.add([{ role: 'user', content: 'Release notes go out on Mondays.' }], { appId: 'newsroom', infer: false });
    expect(await getAll({ app_id: 'newsroom' })).toEqual(['Release notes go out on Mondays.']);
    expect((await client.users()).results).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'newsroom', type: 'app' })]));
    expect(await client.deleteUsers({ appId: 'newsroom' })).toEqual({ message: 'Entity deleted successfully.' });
    expect(await getAll({ app_id: 'newsroom' })).toEqual([]);
    expect(await client.deleteAll({ agentId: 'style-bot' })).toMatchObject({ deleted: expect.any(Number) });
    expect(await getAll({ agent_id: 'style-bot' })).toEqual([]);
    expect(entityOwner('agent', 'x').startsWith('\u0001')).toBe(true);
  });

  it('custom categories: per request, and the project`s (updateProject / getProject) for adds naming none', async () => {
    const cats = [{ travel: 'trips, flights, hotels' }, { food: 'meals, restaurants, diets' }];
    const added = await client.add([{ role: 'user', content: 'Booked flights to Lisbon for May.' }], { userId: 'eve', infer: false, customCategories: cats });
    const got = (await client.get((added[0] as { id: string }).id)) as unknown as Row;
    expect(got.categories).toEqual(['context', 'travel']);
    expect(await getAll({ AND: [{ user_id: 'eve' }, { categories: { in: ['travel'] } }] })).toEqual(['Booked flights to Lisbon for May.']);
    expect(await getAll({ AND: [{ user_id: 'eve' }, { categories: 'food' }] })).toEqual([]);

    await client.updateProject({ customCategories: [{ pets: 'cats, dogs, vets' }] });
    expect(await client.getProject({ fields: ['custom_categories'] })).toMatchObject({ customCategories: [{ pets: 'cats, dogs, vets' }] });
    const dog = await client.add([{ role: 'user', content: 'Took the dog to the vet.' }], { userId: 'eve', infer: false });
    expect(((await client.get((dog[0] as { id: string }).id)) as unknown as Row).categories).toEqual(['context', 'pets']);
    await expect(client.updateProject({ customInstructions: 'be brief' })).rejects.toThrow(/custom_instructions is not supported/);
  });

  it('async_mode: the add answers PENDING with an event id at once; GET /v1/event/{id}/ reports it, SUCCEEDED with what it stored once the worker ran (its job run in-process here: no worker app in this test)', async () => {
    const pending = (await client.add([{ role: 'user', content: 'Remind me that my passport expires in June.' }], { userId: 'fay', asyncMode: true, infer: false, metadata: { via: 'async' } } as never)) as unknown as Array<{ status: string; eventId: string }>;
    expect(pending).toEqual([expect.objectContaining({ status: 'PENDING', eventId: expect.any(String) })]);
    const id = (pending[0] as { eventId: string }).eventId;
    expect((await raw('GET', `/v1/event/${id}/`)).body).toMatchObject({ id, event_type: 'ADD', status: 'PENDING', results: [] });
    await h.api.get(ExtractionService).process({ tenantId, userId: 'fay' }, id);
    const done = (await raw('GET', `/v1/event/${id}/`)).body;
    expect(done).toMatchObject({ status: 'SUCCEEDED', results: expect.arrayContaining([expect.objectContaining({ event: 'ADD', memory: 'Remind me that my passport expires in June.', user_id: 'fay' })]) });
    expect(await getAll({ AND: [{ user_id: 'fay' }, { metadata: { via: 'async' } }] })).toEqual(['Remind me that my passport expires in June.']);
    expect((await raw('GET', '/v1/event/00000000-0000-4000-8000-000000000000/')).status).toBe(404);

    // the older add route is asynchronous by default (Mem0's v1 default), synchronous with async_mode: false
    const v1 = await raw('POST', '/v1/memories/', { messages: [{ role: 'user', content: 'I keep bees.' }], user_id: 'fay', infer: false });
    expect(v1.status).toBe(202);
    expect(v1.body[0]).toMatchObject({ status: 'PENDING', event_id: expect.any(String) });
    const v1sync = await raw('POST', '/v1/memories/', { messages: [{ role: 'user', content: 'I keep goats.' }], user_id: 'fay', infer: false, async_mode: false });
    expect(v1sync.status).toBe(200);
    expect(v1sync.body).toEqual([expect.objectContaining({ event: 'ADD', memory: 'I keep goats.' })]);
  });

  it('expiration_date (add and update) is the last day a memory is served; update timestamp moves when it was said', async () => {
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const [added] = (await client.add([{ role: 'user', content: 'Parking permit valid this week.' }], { userId: 'gus', infer: false, expirationDate: day })) as Array<{ id: string }>;
    const id = (added as { id: string }).id;
    expect(await client.get(id)).toMatchObject({ expirationDate: day });
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(await client.update(id, { expirationDate: later })).toMatchObject({ expirationDate: later });
    expect(await client.update(id, { expirationDate: null as unknown as string })).toMatchObject({ expirationDate: null });
    expect(await client.update(id, { timestamp: 1767225600 })).toMatchObject({ validAt: '2026-01-01T00:00:00.000Z' });
    await expect(client.update(id, { expirationDate: '2020-01-01' })).rejects.toThrow(/expiration_date must not be in the past/);
    await expect(client.update(id, { timestamp: 1767225600000 })).rejects.toThrow(/timestamp/);
    // once the day has passed it is no longer served (the clock moved here by setting it in the past)
    await (h.api.get(MEMORY_CONTEXT) as MemoryContext).memories.filtered.setTimes({ tenantId, userId: 'gus' }, id, { invalidAt: new Date(Date.now() - 1_000) });
    expect(await getAll({ user_id: 'gus' })).toEqual([]);
    expect((await client.search('parking', { filters: { user_id: 'gus' } })).results).toEqual([]);
    expect(await getAll({ user_id: 'gus' }, { showExpired: true })).toEqual(['Parking permit valid this week.']);
  });

  it('bad filters are a 400 naming the path; nothing reached beyond loopback', async () => {
    const rejects = async (filters: Record<string, unknown>, path: RegExp) => {
      await expect(client.getAll({ filters })).rejects.toThrow(path);
      await expect(client.search('x', { filters })).rejects.toThrow(path);
    };
    await rejects({ AND: [{ user_id: 'dana' }, { metadata: { priority: { gte: true } } }] }, /filters\.AND\.1\.metadata\.priority\.gte must be a string or a number/);
    await rejects({ AND: [{ user_id: 'dana' }, { created_at: { contains: '2026' } }] }, /filters\.AND\.1\.created_at\.contains is not supported/);
    await rejects({ OR: [] }, /filters\.OR must be a non-empty array/);
    await rejects({ user_id: 'dana', metadata: { x: { between: 1 } } }, /filters\.metadata\.x\.between is not an operator/);
    await rejects({ user_id: { in: [] } }, /filters\.user_id\.in must be a non-empty array/);
    await rejects({ keywords: { contains: 'x' } }, /filters\.keywords is not supported/);
    let deep: Record<string, unknown> = { user_id: 'dana' };
    for (let i = 0; i < 10; i++) deep = { NOT: [deep] };
    await rejects(deep, /filters nests AND \/ OR \/ NOT deeper than 8 levels/);
    expect(outbound).toEqual([]);
  });
});
