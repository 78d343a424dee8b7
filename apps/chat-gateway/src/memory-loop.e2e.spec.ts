import type { ChildProcess } from 'node:child_process';
import OpenAI from 'openai';
import { TenancyService } from '@frontier/platform-nest';
import { startWorld, type GatewayWorld } from './testing/gateway-harness';
import { spawnApp, type SpawnedApp } from './testing/processes';

/** Issue 11, item 6: the first product meets the third — memory-api runs as its own process beside the gateway. */
describe('memory in the loop: the gateway budgets the user’s [User profile] from memory-api and posts the exchange back (loopback upstream stands in for a hosted LLM; real memory-api, Postgres, Redis)', () => {
  let world: GatewayWorld;
  let memory: SpawnedApp;
  let memoryKey: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    world = await startWorld('memloop');
    const first = await world.start(); // migrates the database and creates the tenant
    memoryKey = (await first.app.get(TenancyService).issueKey(world.tenantId, 'memory', ['memory:*'])).key;
    memory = await spawnApp('apps/memory-api/src/main.ts', { DATABASE_URL: world.db.url, REDIS_URL: world.redis.url, REDIS_PREFIX: world.redis.prefix, RATE_LIMIT_PER_KEY: '100000' }, 180_000);
    children.push(memory.child);
    const added = await fetch(`${memory.url}/mem0/v3/memories/add`, {
      method: 'POST',
      headers: { authorization: `Token ${memoryKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: 'zoe', infer: false, messages: [{ role: 'user', content: 'Zoe is allergic to shellfish' }] }),
    });
    expect(added.status).toBe(200);
  }, 240_000);
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await world.close();
  });

  it('puts the profile ahead of the history, counts it in the budget, and writes the exchange back as a session', async () => {
    const gw = await world.start({ MEMORY_API_URL: memory.url, MEMORY_API_KEY: memoryKey, MEMORY_WRITE_BACK: 'true' });
    const client = new OpenAI({ apiKey: world.key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: world.llm.model, user: 'zoe', messages: [{ role: 'user', content: 'Suggest a dinner for me tonight' }] });
    const sent = world.llm.lastRequestBody?.messages ?? [];
    expect(sent[0]).toMatchObject({ role: 'system', content: expect.stringContaining('[User profile]') });
    expect(String(sent[0].content)).toMatch(/shellfish/);
    expect(sent[1]).toMatchObject({ role: 'user', content: 'Suggest a dinner for me tonight' });
    // counted: the prompt estimate includes the profile's tokens
    expect(r.usage?.prompt_tokens).toBeGreaterThan(10);

    // a user memory-api knows nothing about: no profile, no failure
    await client.chat.completions.create({ model: world.llm.model, user: 'nobody', messages: [{ role: 'user', content: 'hi' }] });
    expect(world.llm.lastRequestBody?.messages?.[0]).toMatchObject({ role: 'user' });

    // the finished exchange was posted back as a session of zoe's
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await fetch(`${memory.url}/v1/sessions/gateway-${r.id}?user_id=zoe`, { headers: { authorization: `Bearer ${memoryKey}` } })).status;
      if (status !== 200) await new Promise((res) => setTimeout(res, 200));
    }
    expect(status).toBe(200);
  }, 120_000);
});
