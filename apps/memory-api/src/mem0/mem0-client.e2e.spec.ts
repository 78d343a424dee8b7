import { startMem0Client, type Client, type Mem0, type Mem0ClientHarness } from './mem0-client.spec-helper';

describe('the official mem0ai MemoryClient against memory-api on loopback (real Postgres and Redis)', () => {
  let h: Mem0ClientHarness;
  let mem0: Mem0;
  let host: string;
  let client: Client;
  let otherTenant: Client;
  let outbound: string[];

  beforeAll(async () => {
    h = await startMem0Client('memory_mem0');
    ({ mem0, host, outbound } = h);
    client = (await h.tenant('acme')).client;
    otherTenant = (await h.tenant('globex')).client;
  }, 90_000);

  afterAll(() => h.close());

  it('authenticates with "Authorization: Token <key>": ping answers ok; a bad key is an AuthenticationError', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const quiet = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const bad = new mem0.MemoryClient({ apiKey: 'fk_000000000000_nope', host });
      await expect(bad.ping()).rejects.toBeInstanceOf(mem0.AuthenticationError);
      // the client's own ping on construction failed too, so it never learnt an org/project
      await expect(bad.getProject({ fields: [] })).rejects.toThrow(/organizationId and projectId must be set/);
      expect(String(logged.mock.calls[0]?.[1])).toContain('invalid or revoked API key');
    } finally {
      logged.mockRestore();
      quiet.mockRestore();
    }
  });

  it('add → search → get → getAll with filters → update → history → delete → deleteAll → export', async () => {
    const said = [
      { role: 'user' as const, content: "I'm vegetarian. I work at Acme Corp as a nurse." },
      { role: 'assistant' as const, content: 'Noted!' },
      { role: 'user' as const, content: 'My daughter is 7 and I just moved to Lisbon.' },
    ];
    const added = await client.add(said, { userId: 'alice', agentId: 'support-bot', runId: 'chat-1' });
    expect(added.map((m) => m.event)).toEqual(['ADD', 'ADD', 'ADD', 'ADD']);
    expect(added.map((m) => m.memory).sort()).toEqual(["I'm vegetarian", 'I just moved to Lisbon', 'I work at Acme Corp as a nurse', 'My daughter is 7'].sort());
    expect(added[0]).toMatchObject({ userId: 'alice', agentId: 'support-bot', runId: 'chat-1', data: { memory: added[0]?.memory } });

    // a restatement in another run is recognised (NONE); infer:false stores the message verbatim
    const again = await client.add([{ role: 'user', content: "I'm vegetarian." }], { userId: 'alice', runId: 'chat-2' });
    expect(again.map((m) => [m.event, m.id])).toEqual([['NONE', added.find((m) => m.memory === "I'm vegetarian")?.id]]);
    const verbatim = await client.add([{ role: 'user', content: 'Call me Ally, not Alice.' }], { userId: 'alice', runId: 'chat-2', infer: false });
    expect(verbatim).toEqual([expect.objectContaining({ event: 'ADD', memory: 'Call me Ally, not Alice.', runId: 'chat-2' })]);

    const found = await client.search('What should I cook for dinner? Any meat recipes?', { filters: { user_id: 'alice' }, topK: 2 });
    expect(found.results).toHaveLength(2);
    const top = found.results[0] as (typeof found.results)[number] & { scoreBreakdown: Record<string, number> };
    expect(top.memory).toMatch(/vegetarian/); // the fact, or the turn it came from (episodic tier)
    expect(top.score).toBeGreaterThan(0);
    expect(top.scoreBreakdown.score).toBe(top.score);
    const onlyRun2 = await client.search('my name', { filters: { AND: [{ user_id: 'alice' }, { run_id: 'chat-2' }] }, topK: 5 });
    expect(onlyRun2.results.map((m) => m.memory)).toContain('Call me Ally, not Alice.');
    expect(new Set(onlyRun2.results.map((m) => m.runId))).toEqual(new Set(['chat-2']));

    const daughter = added.find((m) => m.memory === 'My daughter is 7') as { id: string };
    const got = await client.get(daughter.id);
    expect(got).toMatchObject({ id: daughter.id, memory: 'My daughter is 7', userId: 'alice', agentId: 'support-bot', runId: 'chat-1', categories: ['relationship'] });
    expect(typeof got.hash).toBe('string');
    await expect(otherTenant.get(daughter.id)).rejects.toBeInstanceOf(mem0.MemoryNotFoundError);

    // facts (and, with the episodic tier, the turns they came from)
    const all = await client.getAll({ filters: { user_id: 'alice' } });
    const facts = ["I'm vegetarian", 'I just moved to Lisbon', 'I work at Acme Corp as a nurse', 'My daughter is 7', 'Call me Ally, not Alice.'];
    expect(all.results.map((m) => m.memory)).toEqual(expect.arrayContaining(facts));
    const n = all.count;
    const byAgent = await client.getAll({ filters: { AND: [{ user_id: 'alice' }, { agent_id: 'support-bot' }] }, page: 1, pageSize: 3 });
    const agentCount = byAgent.count;
    expect(agentCount).toBeGreaterThanOrEqual(4);
    expect(agentCount).toBeLessThan(n);
    expect(byAgent.results).toHaveLength(3);
    expect(byAgent.next).toContain('page=2&page_size=3');
    expect(byAgent.previous).toBeNull();
    const page2 = await client.getAll({ filters: { AND: [{ user_id: 'alice' }, { agent_id: 'support-bot' }] }, page: 2, pageSize: 3 });
    expect(page2.results).toHaveLength(Math.min(3, agentCount - 3));
    expect(page2.previous).toContain('page=1&page_size=3');
    const future = await client.getAll({ filters: { AND: [{ user_id: 'alice' }, { created_at: { gte: '2999-01-01' } }] } });
    expect(future.count).toBe(0);

    const updated = (await client.update(daughter.id, { text: 'My daughter is 8' })) as unknown as { memory: string };
    expect(updated.memory).toBe('My daughter is 8');
    const history = await client.history(daughter.id);
    expect(history.map((h) => [h.event, h.oldMemory, h.newMemory])).toEqual([
      ['ADD', null, 'My daughter is 7'],
      ['UPDATE', 'My daughter is 7', 'My daughter is 8'],
    ]);

    const lisbon = added.find((m) => m.memory === 'I just moved to Lisbon') as { id: string };
    expect(await client.batchUpdate([{ memoryId: lisbon.id, text: 'I just moved to Porto' }])).toEqual({ message: 'Successfully updated 1 memories' });
    expect((await client.get(lisbon.id)).memory).toBe('I just moved to Porto');

    expect(await client.delete(daughter.id)).toEqual({ message: 'Memory deleted successfully!', erasureId: expect.any(String) }); // the client camel-cases the erasure's id
    await expect(client.get(daughter.id)).rejects.toBeInstanceOf(mem0.MemoryNotFoundError);
    // the deleted memory's history keeps what happened and when, never its text (issue 10, item 4)
    expect((await client.history(daughter.id)).map((h) => [h.event, h.oldMemory, h.newMemory])).toEqual([
      ['ADD', null, null],
      ['UPDATE', null, null],
      ['DELETE', null, null],
    ]);
    expect(JSON.stringify(await client.history(daughter.id))).not.toMatch(/daughter/i);

    // export: the requested schema's top-level shape, filled with the live memories and provenance
    const schema = { type: 'object', properties: { user_id: { type: 'string' }, memories: { type: 'array', items: { type: 'object', properties: { memory: { type: 'string' }, provenance: { type: 'object' } } } } } };
    const created = await client.createMemoryExport({ schema, filters: { user_id: 'alice' } });
    expect(typeof created.id).toBe('string');
    const exported = (await client.getMemoryExport({ memoryExportId: created.id })) as unknown as { data: { userId: string; memories: Array<{ memory: string; provenance: { sessionId: string } }> } };
    expect(exported.data.userId).toBe('alice');
    expect(exported.data.memories.map((m) => m.memory)).toEqual(expect.arrayContaining(['Call me Ally, not Alice.', "I'm vegetarian", 'I just moved to Porto', 'I work at Acme Corp as a nurse']));
    expect(exported.data.memories.map((m) => m.memory)).not.toContain('My daughter is 7');
    expect(exported.data.memories.find((m) => m.memory === "I'm vegetarian")?.provenance.sessionId).toMatch(/^chat-1#/);
    const latest = (await client.getMemoryExport({ filters: { user_id: 'alice' } })) as unknown as { id: string };
    expect(latest.id).toBe(created.id);

    // deleteAll narrowed to a run, then everything of the user
    const beforeRun2 = (await client.getAll({ filters: { user_id: 'alice' } })).count;
    const run2 = (await client.getAll({ filters: { AND: [{ user_id: 'alice' }, { run_id: 'chat-2' }] } })).count;
    expect(await client.deleteAll({ userId: 'alice', runId: 'chat-2' })).toMatchObject({ message: 'Memories deleted successfully!', deleted: run2 });
    expect((await client.getAll({ filters: { user_id: 'alice' } })).count).toBe(beforeRun2 - run2);
    expect(await client.deleteAll({ userId: 'alice' })).toMatchObject({ deleted: beforeRun2 - run2 });
    expect((await client.getAll({ filters: { user_id: 'alice' } })).count).toBe(0);
    expect((await client.search('vegetarian', { filters: { user_id: 'alice' } })).results).toEqual([]);

    // users() and deleteUsers (issue 13): the whole user erased
    await client.add([{ role: 'user', content: 'I work at Initech.' }], { userId: 'carol' });
    expect((await client.users()).results).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'carol', type: 'user', totalMemories: expect.any(Number) })]));
    expect(await client.deleteUsers({ userId: 'carol' })).toEqual({ message: 'Entity deleted successfully.' });
    expect((await client.getAll({ filters: { user_id: 'carol' } })).count).toBe(0);
    expect((await client.users()).results.map((u: { name: string }) => u.name)).not.toContain('carol');
  }, 90_000);

  it('answers 400 naming the field, 501 naming the route or option, and stores nothing for either', async () => {
    await expect(client.search('x', { filters: { AND: [{ user_id: 'bob' }, { agent_id: { gte: 'a' } }] } })).rejects.toThrow(/filters\.AND\.1\.agent_id\.gte/);
    await expect(client.search('x', { filters: { user_id: 'bob', priority: 2 } })).rejects.toThrow(/filters\.priority is not a filter field/);
    await expect(client.getAll({ filters: { user_id: 'bob', metadata: { n: { between: [1, 2] } } } })).rejects.toBeInstanceOf(mem0.ValidationError);
    await expect(client.add([{ role: 'user', content: 'I love tea.' }], {})).rejects.toThrow(/user_id/);
    await expect(client.add([{ role: 'user', content: '   ' }], { userId: 'bob' })).rejects.toThrow(/messages\.0\.content/);
    await expect(client.add([{ role: 'user', content: 'I love tea.' }], { userId: 'bob', metadata: { k: 'x'.repeat(20_000) } })).rejects.toThrow(/metadata must be at most 16384 characters/);
    await expect(client.add([{ role: 'user', content: 'I love tea.' }], { userId: 'bob', customInstructions: 'be brief' })).rejects.toThrow(/POST \/v3\/memories\/add\/: custom_instructions is not supported/);
    await expect(client.add([{ role: 'user', content: 'I love tea.' }], { userId: 'bob', expirationDate: '2020-01-01' })).rejects.toThrow(/expiration_date must not be in the past/);
    await expect(client.search('tea', { filters: { user_id: 'bob' }, rerank: true })).rejects.toThrow(/rerank is not supported/);
    await expect(client.getWebhooks({ projectId: 'p1' })).rejects.toThrow(/GET \/api\/v1\/webhooks\/projects\/p1\/ is not supported/);
    await expect(client.batchDelete(['00000000-0000-4000-8000-000000000000'])).rejects.toThrow(/memories\.0\.memory_id/);
    expect((await client.getAll({ filters: { user_id: 'bob' } })).count).toBe(0);
    expect(outbound).toEqual([]);
  }, 30_000);
});
