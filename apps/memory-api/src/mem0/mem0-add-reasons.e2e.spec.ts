import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule } from '../app.module';
import { MemoryApiEnv } from '../env';

process.env['MEM0_TELEMETRY'] = 'false';
process.env['MEM0_DIR'] = mkdtempSync(join(tmpdir(), 'mem0-'));

type Mem0 = typeof import('mem0ai');
type Client = InstanceType<Mem0['MemoryClient']>;
type Added = { id: string; event: string; memory: string; reason?: string | null };
type Listed = { id: string; memory: string; categories?: string[] };

// Issue 14, item 4: what a new user tried through the official client was dropped while the call
// answered 200 with []. Now each is stored, and an add that stores nothing says why.
describe('Mem0 add through the official mem0ai client: facts a new user states are stored; nothing stored always says why', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let api: INestApplication;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase('memory_mem0_reasons');
    redis = await createTestRedis('mem0reasons');
    const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix };
    api = await createHttpApp(AppModule.register(loadEnv(MemoryApiEnv, base), {}), { service: 'memory-api', logger: false });
    await api.listen(0, '127.0.0.1');
    const host = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}/mem0`;
    const tenancy = api.get(TenancyService);
    const t = await tenancy.createTenant('acme');
    const mem0 = await import('mem0ai');
    client = new mem0.MemoryClient({ apiKey: (await tenancy.issueKey(t.id, 'mem0', ['memory:*'])).key, host });
  }, 90_000);

  afterAll(async () => {
    await api.close();
    await redis.cleanup();
    await db.drop();
  });

  const add = async (content: string, role: 'user' | 'assistant' = 'user') => (await client.add([{ role, content }], { userId: 'sam' })) as unknown as Added[];
  /** The user's facts (the episodic tier keeps the turns themselves beside them, category `episode`). */
  const facts = async () => {
    const all = (await client.getAll({ filters: { user_id: 'sam' } } as never)) as unknown as { results?: Listed[] } | Listed[];
    return (Array.isArray(all) ? all : (all.results ?? [])).filter((m) => m.categories?.[0] !== 'episode');
  };

  it('the five statements the review found dropped are each stored (ADD)', async () => {
    for (const said of ['I work as a nurse', 'I adopted a cat named Miso', 'I plan to visit Japan next spring', 'I speak Portuguese', "Hi, I'm Sam"]) {
      const out = await add(said);
      expect([said, out.map((r) => r.event)]).toEqual([said, ['ADD']]);
    }
    expect((await facts()).map((m) => m.memory).sort()).toEqual(['I adopted a cat named Miso', 'I plan to visit Japan next spring', 'I speak Portuguese', 'I work as a nurse', "I'm Sam"]);
  }, 60_000);

  it('nothing stored answers a NONE event with the reason, never a silent []', async () => {
    expect(await add("What's the weather like in Lisbon?")).toEqual([expect.objectContaining({ event: 'NONE', reason: 'no personal fact found' })]);
    expect(await add('Noted, I will keep that in mind.', 'assistant')).toEqual([expect.objectContaining({ event: 'NONE', reason: 'no user message: only what the user says is remembered' })]);
    const stored = (await facts()).find((m) => m.memory === 'I speak Portuguese');
    const first = await add('I speak Portuguese');
    expect(first).toEqual([expect.objectContaining({ event: 'NONE', id: stored?.id, reason: expect.stringMatching(new RegExp(`^duplicate of ${stored?.id} \\(cos `)) })]);
    expect(await add('My doctor thinks I have diabetes.')).toEqual([expect.objectContaining({ event: 'NONE', reason: 'sensitive (health): not stated explicitly by the user about themselves' })]);
  }, 60_000);
});
