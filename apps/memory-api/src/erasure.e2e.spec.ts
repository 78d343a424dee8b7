import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { ErasureService } from '@frontier/memory-nest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule } from './app.module';
import { MemoryApiEnv } from './env';

/**
 * Issue 13 over HTTP: the export (JSON streamed, Markdown), erasures of a session and of a whole
 * user (202 + erasure id), their records and reports. No worker runs: the test runs the hard delete
 * the `memory.erase` job would run.
 */
describe('memory-api: export and erasure routes (real Postgres and Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let api: INestApplication;
  let http: ReturnType<typeof request>;
  let key: string;
  const bearer = () => ({ authorization: `Bearer ${key}` });
  const post = async (user: string, session: string, content: string) =>
    http.post('/v1/sessions').set(bearer()).send({ user_id: user, session_id: session, turns: [{ role: 'user', content: `Remember this: ${content}` }] }).expect(202);
  /** Facts stored at once (a Mem0 add extracts in the request). */
  const addFacts = async (user: string) => {
    await http.post('/mem0/v3/memories/add/').set({ authorization: `Token ${key}` }).send({ user_id: user, messages: [{ role: 'user', content: 'I work at Acme Corp. I live in Paris.' }] }).expect(200);
  };

  beforeAll(async () => {
    db = await createTestDatabase('memory_erasure_http');
    redis = await createTestRedis('erasurehttp');
    const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix };
    api = await createHttpApp(AppModule.register(loadEnv(MemoryApiEnv, base), {}), { service: 'memory-api', logger: false });
    await api.init();
    http = request(api.getHttpServer());
    const tenancy = api.get(TenancyService);
    const tenantId = (await tenancy.createTenant('erasure-co')).id;
    key = (await tenancy.issueKey(tenantId, 'rw', ['memory:*'])).key;
  }, 90_000);

  afterAll(async () => {
    await api?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  it('exports every memory with history, sessions with transcripts and the biography, as JSON or Markdown', async () => {
    await addFacts('ann');
    await post('ann', 'chat-1', 'I am vegetarian.');
    const json = await http.get('/v1/export').query({ user_id: 'ann' }).set(bearer()).expect(200).expect('content-type', /application\/json/);
    const doc = JSON.parse(json.text);
    expect(doc).toMatchObject({ format: 'frontier-memory-export/1', user_id: 'ann' });
    // the two facts and the episodic tier's copy of the turn that stated them (issue 14)
    const exported = doc.memories.map((m: { memory: string; type: string }) => [m.type === 'episode', m.memory]);
    expect(exported).toHaveLength(3);
    expect(exported).toEqual(expect.arrayContaining([[true, 'I work at Acme Corp. I live in Paris.'], [false, 'I live in Paris'], [false, 'I work at Acme Corp']]));
    expect(doc.memories[0]).toMatchObject({ status: 'live', type: expect.any(String), confidence: expect.any(Number), provenance: { session_id: expect.any(String) }, history: [expect.objectContaining({ event: 'ADD' })] });
    expect(doc.sessions).toHaveLength(2);
    expect(doc.sessions.flatMap((s: { turns: Array<{ content: string }> }) => s.turns.map((t) => t.content))).toContain('Remember this: I am vegetarian.');
    const md = await http.get('/v1/export').query({ user_id: 'ann', format: 'text' }).set(bearer()).expect(200).expect('content-type', /text\/markdown/);
    expect(md.text).toContain('# What Frontier keeps about ann');
    expect(md.text).toContain('**I work at Acme Corp**');
    expect(md.text).toContain('### chat-1');
    const bad = await http.get('/v1/export').query({ user_id: 'ann', format: 'pdf' }).set(bearer()).expect(400);
    expect(bad.body.fields).toHaveProperty('format');
  }, 60_000);

  it('erases a session with its transcript, then the whole user: 202 with an id, a report once the hard delete ran', async () => {
    const s = (await http.delete('/v1/sessions/chat-1').query({ user_id: 'ann' }).set(bearer()).expect(202)).body;
    expect(s).toMatchObject({ erasure_id: expect.any(String), kind: 'session', status: 'pending' });
    await http.get('/v1/sessions/chat-1').query({ user_id: 'ann' }).set(bearer()).expect(404);
    expect((await http.get('/v1/export').query({ user_id: 'ann' }).set(bearer()).expect(200)).text).not.toContain('vegetarian');
    await api.get(ErasureService).process(s.erasure_id);
    const done = (await http.get(`/v1/erasures/${s.erasure_id}`).query({ user_id: 'ann' }).set(bearer()).expect(200)).body;
    expect(done).toMatchObject({ status: 'completed', kind: 'session', report: { residue: 'none', steps: expect.arrayContaining([expect.objectContaining({ store: 'postgres', removed: expect.objectContaining({ sessions: 1 }) })]) } });

    const u = (await http.delete('/v1/users').query({ user_id: 'ann' }).set(bearer()).expect(202)).body;
    expect(u).toMatchObject({ kind: 'user', status: 'pending', deleted: 3 }); // two facts and one episode
    const empty = JSON.parse((await http.get('/v1/export').query({ user_id: 'ann' }).set(bearer()).expect(200)).text);
    expect([empty.memories, empty.sessions, empty.biography]).toEqual([[], [], null]);
    await api.get(ErasureService).process(u.erasure_id);
    expect((await http.get(`/v1/erasures/${u.erasure_id}`).query({ user_id: 'ann' }).set(bearer()).expect(200)).body).toMatchObject({ status: 'completed', report: { kind: 'user' } });
    await http.get(`/v1/erasures/${u.erasure_id}`).query({ user_id: 'bob' }).set(bearer()).expect(404);
    await http.delete('/v1/sessions/nope').query({ user_id: 'ann' }).set(bearer()).expect(404);
    await http.delete('/v1/users').set(bearer()).expect(400);
  }, 60_000);
});
