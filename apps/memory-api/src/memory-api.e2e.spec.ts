import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { WorkerModule } from '../../memory-worker/src/worker.module';
import { MemoryWorkerEnv } from '../../memory-worker/src/env';
import { AppModule } from './app.module';
import { MemoryApiEnv } from './env';

const until = async <T>(fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> => {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('memory-api + memory-worker end to end (real Postgres, Redis and USE-lite)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let api: INestApplication;
  let worker: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let key: string;
  let readOnlyKey: string;
  let otherTenantKey: string;
  const auth = () => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    db = await createTestDatabase('memory_api');
    redis = await createTestRedis('memoryapi');
    const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix };
    api = await createHttpApp(AppModule.register(loadEnv(MemoryApiEnv, base), {}), { service: 'memory-api', logger: false });
    await api.init();
    worker = await NestFactory.createApplicationContext(WorkerModule.register(loadEnv(MemoryWorkerEnv, base), {}), { logger: false });
    http = request(api.getHttpServer());
    const tenancy = api.get(TenancyService);
    const t = await tenancy.createTenant('acme');
    key = (await tenancy.issueKey(t.id, 'rw', ['memory:*'])).key;
    readOnlyKey = (await tenancy.issueKey(t.id, 'ro', ['memory:read'])).key;
    const other = await tenancy.createTenant('globex');
    otherTenantKey = (await tenancy.issueKey(other.id, 'rw', ['memory:*'])).key;
  }, 90_000);

  afterAll(async () => {
    await worker.close();
    await api.close();
    await redis.cleanup();
    await db.drop();
  });

  it('refuses bad input with 400 naming the field, and stores nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ session_id: 's', turns: [{ role: 'user', content: 'hi' }] }, 'user_id'],
      [{ user_id: 'alice', session_id: 's', turns: [] }, 'turns'],
      [{ user_id: 'alice', session_id: 's', turns: [{ role: 'robot', content: 'hi' }] }, 'turns.0.role'],
      [{ user_id: 'alice', session_id: 's', turns: [{ role: 'user', content: '' }] }, 'turns.0.content'],
      [{ user_id: 'alice', session_id: 's', turns: [{ role: 'user', content: 'x', at: 'yesterday' }] }, 'turns.0.at'],
      [{ user_id: 'alice', session_id: 's', turns: [{ role: 'user', content: 'x' }], extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await http.post('/v1/sessions').set(auth()).send(body as object).expect(400);
      expect(Object.keys(r.body.fields ?? { [r.body.message[0].split(' ')[1]]: 1 })).toContain(field);
    }
    const search = await http.post('/v1/memories/search').set(auth()).send({ user_id: 'alice', query: 'x', limit: 0 }).expect(400);
    expect(search.body.fields).toEqual({ limit: ['limit must not be less than 1'] });
    await http.get('/v1/memories/not-a-uuid').query({ user_id: 'alice' }).set(auth()).expect(400);
    const list = await http.get('/v1/memories').query({ user_id: 'alice' }).set(auth()).expect(200);
    expect(list.body.total).toBe(0);
  });

  it('ingests a session through the worker, then searches, reads, corrects, explains and deletes', async () => {
    const turns = [
      { id: 'D1:1', role: 'user', content: "Remember that I'm vegetarian. I work at Acme Corp as a nurse." },
      { id: 'D1:2', role: 'assistant', content: 'Noted!' },
      { id: 'D1:3', role: 'user', content: 'My daughter is 7 and I just moved to Lisbon.' },
    ];
    const posted = await http.post('/v1/sessions').set(auth()).send({ user_id: 'alice', session_id: 'chat-1', started_at: '2026-11-01T09:00:00Z', turns }).expect(202);
    expect(posted.body).toEqual({ session_id: 'chat-1', status: 'received', created: true, queued: true });
    const again = await http.post('/v1/sessions').set(auth()).send({ user_id: 'alice', session_id: 'chat-1', started_at: '2026-11-01T09:00:00Z', turns }).expect(202);
    expect(again.body.created).toBe(false);
    await http.post('/v1/sessions').set(auth()).send({ user_id: 'alice', session_id: 'chat-1', turns: [{ role: 'user', content: 'other' }] }).expect(409);

    const status = await until(async () => {
      const r = await http.get('/v1/sessions/chat-1').query({ user_id: 'alice' }).set(auth());
      return r.body.status === 'processed' ? r.body : undefined;
    });
    expect(status).toMatchObject({ session_id: 'chat-1', turns: 3, memories: 5, reason: 'explicit-command' }); // 4 facts + D1:3's episode (D1:1 is a memory command, D1:2 the assistant's)
    await http.get('/v1/sessions/nope').query({ user_id: 'alice' }).set(auth()).expect(404);
    const listed = await until(async () => {
      const r = await http.get('/v1/memories').query({ user_id: 'alice' }).set(auth());
      return r.body.total >= 4 ? r.body : undefined;
    });
    expect(listed.results.map((m: { memory: string }) => m.memory).sort()).toEqual(["I'm vegetarian", 'I just moved to Lisbon', 'I work at Acme Corp as a nurse', 'My daughter is 7'].sort());
    expect(listed.results[0].provenance.session_id).toBe('chat-1');

    // the worker stored them; the API's own index copy was refreshed through Redis pub/sub
    const found = await http.post('/v1/memories/search').set(auth()).send({ user_id: 'alice', query: 'What should I cook for dinner? Any meat recipes?', limit: 2 }).expect(200);
    expect(found.body.results[0].memory).toBe("I'm vegetarian");
    expect(Object.keys(found.body.results[0].score_breakdown).sort()).toEqual(['age_days', 'confidence', 'cosine', 'lexical', 'recency', 'relevance', 'score', 'usage']);
    expect(found.body.profile).toContain("[User profile]\n- I believe you mentioned that you're vegetarian.");

    const daughter = listed.results.find((m: { memory: string }) => m.memory === 'My daughter is 7');
    const patched = await http.patch(`/v1/memories/${daughter.id}`).set(auth()).send({ user_id: 'alice', text: 'My daughter is 8' }).expect(200);
    expect(patched.body.memory).toBe('My daughter is 8');
    const history = await http.get(`/v1/memories/${daughter.id}/history`).query({ user_id: 'alice' }).set(auth()).expect(200);
    expect(history.body.map((e: { event: string }) => e.event)).toEqual(['ADD', 'UPDATE']);

    const profile = await http.get('/v1/profile').query({ user_id: 'alice' }).set(auth()).expect(200);
    expect(profile.body.what_i_know.map((s: { label: string }) => s.label)).toEqual(['People in your life', 'Preferences', 'Work', 'Places']);

    // other tenants and other users see nothing; a read-only key cannot write
    await http.get(`/v1/memories/${daughter.id}`).query({ user_id: 'alice' }).set({ authorization: `Bearer ${otherTenantKey}` }).expect(404);
    await http.get(`/v1/memories/${daughter.id}`).query({ user_id: 'bob' }).set(auth()).expect(404);
    await http.delete(`/v1/memories/${daughter.id}`).query({ user_id: 'alice' }).set({ authorization: `Bearer ${readOnlyKey}` }).expect(403);

    await http.delete(`/v1/memories/${daughter.id}`).query({ user_id: 'alice' }).set(auth()).expect(202);
    await http.get(`/v1/memories/${daughter.id}`).query({ user_id: 'alice' }).set(auth()).expect(404);
    const after = await http.post('/v1/memories/search').set(auth()).send({ user_id: 'alice', query: 'my daughter', limit: 10 }).expect(200);
    expect(after.body.results.some((m: { id: string }) => m.id === daughter.id)).toBe(false);

    const bySession = await http.delete('/v1/sessions/chat-1/memories').query({ user_id: 'alice' }).set(auth()).expect(202);
    expect(bySession.body).toMatchObject({ kind: 'session-memories', status: 'pending', deleted: 3 });
    expect((await http.get('/v1/memories').query({ user_id: 'alice' }).set(auth())).body.total).toBe(0);
  }, 90_000);
});
