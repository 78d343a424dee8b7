import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule } from '../app.module';
import { MemoryApiEnv } from '../env';

/** Issue 10, item 3 over HTTP: 60 concurrent Mem0 adds of one memory left 3 live copies. */
describe('concurrent Mem0 adds over HTTP (real Postgres, Redis, USE-lite)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let api: INestApplication;
  let key: string;

  beforeAll(async () => {
    db = await createTestDatabase('memory_mem0_concurrency');
    redis = await createTestRedis('mem0conc');
    // the inline embedder holds the event loop while the burst's queries wait for a connection
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, DATABASE_CONNECT_TIMEOUT_MS: '60000' };
    api = await createHttpApp(AppModule.register(loadEnv(MemoryApiEnv, env), {}), { service: 'memory-api', logger: false });
    await api.init();
    const tenancy = api.get(TenancyService);
    key = (await tenancy.issueKey((await tenancy.createTenant('acme')).id, 'rw', ['memory:*'])).key;
  }, 90_000);

  afterAll(async () => {
    await api.close();
    await redis.cleanup();
    await db.drop();
  });

  it('60 at once, with and without inference, leave one live copy of each memory', async () => {
    const http = request(api.getHttpServer());
    const add = (content: string, infer: boolean) =>
      http
        .post('/mem0/v3/memories/add')
        .set({ authorization: `Token ${key}` })
        .send({ user_id: 'zoe', infer, messages: [{ role: 'user', content }] });
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? add('Prefers aisle seats on short flights', false) : add("I'm allergic to shellfish.", true))));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 60 }, () => 200));
    const events = answers.flatMap((a) => (a.body as Array<{ event: string }>).map((r) => r.event));
    expect(events.filter((e) => e === 'ADD')).toHaveLength(2);

    const all = await http.post('/mem0/v3/memories').set({ authorization: `Token ${key}` }).send({ filters: { AND: [{ user_id: 'zoe' }, { categories: { ne: 'episode' } }] } }).expect(200); // facts (the episodic tier keeps each turn said, once per session)
    expect((all.body.results as Array<{ memory: string }>).map((m) => m.memory).sort()).toEqual(["I'm allergic to shellfish", 'Prefers aisle seats on short flights']);
  }, 180_000);
});
