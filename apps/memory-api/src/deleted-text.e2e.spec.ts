import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { BiographyService } from '@frontier/memory-nest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule } from './app.module';
import { MemoryApiEnv } from './env';

/**
 * Issue 10, item 4 over HTTP: from the moment a delete (or a supersede) returns, no response
 * carries the fact's text — history (native and Mem0), the profile and search's profile block —
 * with the worker down (no memory-worker runs here: the biography is never rebuilt after the
 * change). And item 1's undo: a forget command is restorable, any other deletion is not.
 */
describe('memory-api: deleted and superseded facts are never served (real Postgres and Redis, no worker)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let api: INestApplication;
  let http: ReturnType<typeof request>;
  let key: string;
  let tenantId: string;
  /** Deleted by request in the first test. */
  let acmeId = '';
  const bearer = () => ({ authorization: `Bearer ${key}` });
  const token = () => ({ authorization: `Token ${key}` });
  const add = async (content: string) =>
    (await http.post('/mem0/v3/memories/add/').set(token()).send({ user_id: 'alice', messages: [{ role: 'user', content }] }).expect(200)).body as Array<{ id: string; memory: string; event: string; reason: string | null }>;
  /** Everything a client can read about alice's memories right now, as one string. */
  const everything = async (ids: string[]) => {
    const parts = [
      (await http.get('/v1/profile').query({ user_id: 'alice' }).set(bearer()).expect(200)).body,
      (await http.post('/v1/memories/search').set(bearer()).send({ user_id: 'alice', query: 'Where do I work and live? Acme, Paris, nurse', limit: 20 }).expect(200)).body,
      (await http.get('/v1/memories').query({ user_id: 'alice' }).set(bearer()).expect(200)).body,
      (await http.post('/mem0/v3/memories/search/').set(token()).send({ query: 'Where do I work? Acme', filters: { user_id: 'alice' }, top_k: 20 }).expect(200)).body,
      (await http.post('/mem0/v3/memories/').set(token()).send({ filters: { user_id: 'alice' } }).expect(200)).body,
    ];
    for (const id of ids) {
      parts.push((await http.get(`/v1/memories/${id}/history`).query({ user_id: 'alice' }).set(bearer()).expect(200)).body);
      parts.push((await http.get(`/mem0/v1/memories/${id}/history/`).set(token()).expect(200)).body);
    }
    return JSON.stringify(parts);
  };

  beforeAll(async () => {
    db = await createTestDatabase('memory_deleted_text');
    redis = await createTestRedis('deletedtext');
    const base = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix };
    api = await createHttpApp(AppModule.register(loadEnv(MemoryApiEnv, base), {}), { service: 'memory-api', logger: false });
    await api.init();
    http = request(api.getHttpServer());
    const tenancy = api.get(TenancyService);
    tenantId = (await tenancy.createTenant('acme-co')).id;
    key = (await tenancy.issueKey(tenantId, 'rw', ['memory:*'])).key;
  }, 90_000);

  afterAll(async () => {
    await api.close();
    await redis.cleanup();
    await db.drop();
  });

  it('after DELETE, history keeps events without text and the profile, search and lists drop the fact at once', async () => {
    const added = await add("I live in Paris. I work at Acme Corp as a nurse. I'm vegetarian.");
    expect(added.map((r) => r.event)).toEqual(['ADD', 'ADD', 'ADD']);
    const acme = added.find((r) => r.memory.includes('Acme'))?.id ?? '';
    acmeId = acme;
    // the worker built the biography before going down
    await api.get(BiographyService).rebuild({ tenantId, userId: 'alice' });
    const before = (await http.get('/v1/profile').query({ user_id: 'alice' }).set(bearer()).expect(200)).body;
    expect(before.biography).toMatchObject({ stale: false, generator: 'deterministic-v1' });
    expect(before.biography.text).toContain('Acme Corp');

    // a Mem0 export made before the delete
    const exported = (await http.post('/mem0/v1/exports/').set(token()).send({ schema: { type: 'array' }, filters: { user_id: 'alice' } }).expect(201)).body.id as string;
    const exportBefore = (await http.post('/mem0/v1/exports/get/').set(token()).send({ memory_export_id: exported }).expect(200)).body;
    expect(JSON.stringify(exportBefore)).toContain('Acme');

    // an erasure (issue 13): 202 with the erasure's id; the hard delete is the worker's (none runs here)
    const erasure = (await http.delete(`/v1/memories/${acme}`).query({ user_id: 'alice' }).set(bearer()).expect(202)).body;
    expect(erasure).toMatchObject({ erasure_id: expect.any(String), kind: 'memory', status: 'pending', deleted: 2 }); // the fact and the episode of the turn that stated it (issue 14)
    expect((await http.get(`/v1/erasures/${erasure.erasure_id}`).query({ user_id: 'alice' }).set(bearer()).expect(200)).body).toMatchObject({ status: 'pending', report: null });
    await http.get(`/v1/erasures/${erasure.erasure_id}`).query({ user_id: 'bob' }).set(bearer()).expect(404);
    const served = await everything([acme]);
    // the export is rebuilt from the live facts before it is served again (same id, same creation time)
    const exportAfter = (await http.post('/mem0/v1/exports/get/').set(token()).send({ filters: { user_id: 'alice' } }).expect(200)).body;
    expect([exportAfter.id, exportAfter.created_at, exportAfter.count]).toEqual([exported, exportBefore.created_at, 2]);
    expect(JSON.stringify(exportAfter)).not.toContain('Acme');
    expect(exportAfter).not.toHaveProperty('_rebuild');
    expect(served).not.toContain('Acme');
    expect(served).not.toContain('nurse');
    const history = (await http.get(`/v1/memories/${acme}/history`).query({ user_id: 'alice' }).set(bearer()).expect(200)).body;
    expect(history.map((e: Record<string, unknown>) => [e['event'], e['old_memory'], e['new_memory'], e['actor'], e['reason'], e['redacted']])).toEqual([
      ['ADD', null, null, 'rules-v2', null, true],
      ['DELETE', null, null, 'user', 'erased (memory)', true],
    ]);
    const mem0History = (await http.get(`/mem0/v1/memories/${acme}/history/`).set(token()).expect(200)).body;
    expect(mem0History.map((e: Record<string, unknown>) => [e['event'], e['old_memory'], e['new_memory']])).toEqual([
      ['ADD', null, null],
      ['DELETE', null, null],
    ]);
    // the profile now serves the live facts' summary until the rebuild, and says a rebuild is due
    const after = (await http.get('/v1/profile').query({ user_id: 'alice' }).set(bearer()).expect(200)).body;
    expect(after.biography).toMatchObject({ stale: true, generator: 'deterministic-v1' });
    expect(after.biography.text).toContain('Paris');
  }, 60_000);

  it('a superseded fact leaves the profile and search at once; its own history keeps it (supersede without loss)', async () => {
    const moved = await add('I live in Lyon now.');
    expect(moved.map((r) => r.event)).toEqual(['UPDATE']);
    const profile = JSON.stringify((await http.get('/v1/profile').query({ user_id: 'alice' }).set(bearer()).expect(200)).body);
    expect(profile).toContain('Lyon');
    expect(profile).not.toContain('Paris');
    const search = (await http.post('/v1/memories/search').set(bearer()).send({ user_id: 'alice', query: 'Where do I live? Paris', limit: 20 }).expect(200)).body;
    expect(JSON.stringify(search)).not.toContain('Paris');
    const paris = (await http.get('/v1/memories').query({ user_id: 'alice', include_inactive: true }).set(bearer()).expect(200)).body.results.find((m: { memory: string }) => m.memory === 'I live in Paris');
    expect(paris.superseded_by).toBe(moved[0]?.id);
    const history = (await http.get(`/v1/memories/${paris.id}/history`).query({ user_id: 'alice' }).set(bearer()).expect(200)).body;
    expect(history.map((e: Record<string, unknown>) => [e['event'], e['old_memory'], e['new_memory'], e['redacted']])).toEqual([
      ['ADD', null, 'I live in Paris', false],
      ['SUPERSEDE', 'I live in Paris', 'I live in Lyon now', false],
    ]);
    // and when the superseding fact is deleted, its text leaves the older fact's history too
    await http.delete(`/v1/memories/${moved[0]?.id}`).query({ user_id: 'alice' }).set(bearer()).expect(202);
    const again = (await http.get(`/v1/memories/${paris.id}/history`).query({ user_id: 'alice' }).set(bearer()).expect(200)).body;
    expect(again[1]).toMatchObject({ event: 'SUPERSEDE', old_memory: 'I live in Paris', new_memory: null, redacted: true });
    expect(JSON.stringify(await everything([paris.id, moved[0]?.id ?? '']))).not.toContain('Lyon');
  }, 60_000);

  it('a forget command is undone by POST /v1/memories/:id/restore; any other deletion is a 409 naming id', async () => {
    const kept = await add("Please forget that I'm vegetarian.");
    expect(kept.map((r) => [r.event, r.memory])).toEqual([['DELETE', "I'm vegetarian"]]);
    const veg = kept[0]?.id ?? '';
    expect(await everything([veg])).not.toContain('vegetarian');
    const history = (await http.get(`/v1/memories/${veg}/history`).query({ user_id: 'alice' }).set(bearer()).expect(200)).body;
    expect(history.at(-1)).toMatchObject({ event: 'DELETE', actor: 'user-command', reason: 'forget command in turn m0', new_memory: null });

    const restored = (await http.post(`/v1/memories/${veg}/restore`).set(bearer()).send({ user_id: 'alice' }).expect(200)).body;
    expect(restored).toMatchObject({ id: veg, memory: "I'm vegetarian" });
    const found = (await http.post('/v1/memories/search').set(bearer()).send({ user_id: 'alice', query: 'What should I cook? Any meat?', limit: 3 }).expect(200)).body;
    expect(found.results[0].id).toBe(veg);
    expect((await http.get(`/v1/memories/${veg}/history`).query({ user_id: 'alice' }).set(bearer()).expect(200)).body.map((e: { event: string }) => e.event)).toEqual(['ADD', 'DELETE', 'RESTORE']);
    expect((await http.get(`/mem0/v1/memories/${veg}/history/`).set(token()).expect(200)).body.map((e: { event: string }) => e.event)).toEqual(['ADD', 'DELETE', 'ADD']);

    const notDeleted = (await http.post(`/v1/memories/${veg}/restore`).set(bearer()).send({ user_id: 'alice' }).expect(409)).body;
    expect(notDeleted).toMatchObject({ code: 'memory.not_deleted', fields: { id: [`memory ${veg} is not deleted`] } });
    const byRequest = (await http.post(`/v1/memories/${acmeId}/restore`).set(bearer()).send({ user_id: 'alice' }).expect(409)).body;
    expect(byRequest).toMatchObject({ code: 'memory.not_restorable', fields: { id: [expect.stringContaining('deleted by request, not by a forget command')] } });
    await http.post('/v1/memories/00000000-0000-4000-8000-000000000000/restore').set(bearer()).send({ user_id: 'alice' }).expect(404);
    await http.post(`/v1/memories/${veg}/restore`).set(bearer()).send({ user_id: 'bob' }).expect(404);
    await http.post('/v1/memories/not-a-uuid/restore').set(bearer()).send({ user_id: 'alice' }).expect(400);
    await http.post(`/v1/memories/${veg}/restore`).set(bearer()).send({}).expect(400);
  }, 60_000);
});
