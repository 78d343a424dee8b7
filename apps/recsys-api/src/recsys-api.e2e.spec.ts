import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { RECSYS_EVENTS_STREAM, RECSYS_QUEUE } from '@frontier/recsys-contracts';
import { FeatureStore } from '@frontier/recsys-data-access';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule } from './app.module';
import { RecsysApiEnv } from './env';

describe('recsys-api over HTTP (real Postgres + Redis, USE-lite embeddings)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let prisma: PrismaService;
  let tenantId: string;
  let auth: Record<string, string>;
  let readOnly: Record<string, string>;
  let client: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase('recsys_api');
    redis = await createTestRedis('recsysapi');
    const env = loadEnv(RecsysApiEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix });
    app = await createHttpApp(AppModule.register(env, { ML_EMBEDDING: 'use' }), { service: 'recsys-api', logger: false });
    await app.init();
    http = request(app.getHttpServer());
    prisma = app.get(PrismaService);
    const tenancy = app.get(TenancyService);
    const tenant = await tenancy.createTenant('acme');
    tenantId = tenant.id;
    auth = { authorization: `Bearer ${(await tenancy.issueKey(tenant.id, 'rw', ['recsys:*'])).key}` };
    readOnly = { authorization: `Bearer ${(await tenancy.issueKey(tenant.id, 'ro', ['recsys:read'])).key}` };
    const other = await tenancy.createTenant('client-embeddings');
    client = { authorization: `Bearer ${(await tenancy.issueKey(other.id, 'rw', ['recsys:*'])).key}` };
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await redis.cleanup();
    await db.drop();
  });

  const fields = (res: request.Response) => res.body.fields as Record<string, string[]>;
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

  it('PUT /v1/items: upserts a batch, computing missing content embeddings with the embedding model (USE-lite, 512-d)', async () => {
    const res = await http
      .put('/v1/items')
      .set(auth)
      .send({
        items: [
          { id: 'v1', creator: 'ann', category: 'music', text: 'A live jazz concert in Lisbon', metadata: { lang: 'en' } },
          { id: 'v2', creator: 'bob', category: 'news' },
        ],
      })
      .expect(200);
    expect(res.body).toMatchObject({ created: 2, updated: 0, items: [{ id: 'v1', created: true, embedding: 'use-lite-512' }, { id: 'v2', created: true }] });
    const v1 = await prisma.recsysItem.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: 'v1' } } });
    expect([v1.embeddingDim, v1.embeddingModel, v1.metadata]).toEqual([512, 'use-lite-512', { lang: 'en' }]);
    // the same id again replaces it (keeps its age); the feature store has its metadata
    const again = await http.put('/v1/items').set(auth).send({ items: [{ id: 'v1', creator: 'ann', category: 'jazz', text: 'A live jazz concert' }] }).expect(200);
    expect(again.body).toMatchObject({ created: 0, updated: 1 });
    expect(await redis.client.hget(app.get(FeatureStore).itemKey(tenantId, 'v1'), 'm:category')).toBe('jazz');
  }, 60_000);

  it('PUT /v1/items: one embedding dimension per tenant, an id once per batch, bounded input — a 400 naming the field, nothing stored', async () => {
    await http.put('/v1/items').set(client).send({ items: [{ id: 'c1', creator: 'x', category: 'a', embedding: [0.1, 0.2, 0.3] }] }).expect(200);
    const noEmbedding = await http.put('/v1/items').set(client).send({ items: [{ id: 'c2', creator: 'x', category: 'a', embedding: [1, 0, 0] }, { id: 'c3', creator: 'x', category: 'a', text: 'no vector' }] }).expect(400);
    expect(Object.keys(fields(noEmbedding))).toEqual(['items.1.embedding']);
    expect(fields(noEmbedding)['items.1.embedding']?.[0]).toMatch(/this tenant's embeddings have 3 dimensions \(stored items\), the embedding model use-lite-512 makes 512/);
    const wrongDim = await http.put('/v1/items').set(client).send({ items: [{ id: 'c4', creator: 'x', category: 'a', embedding: [1, 0] }] }).expect(400);
    expect(fields(wrongDim)).toEqual({ 'items.0.embedding': ['items.0.embedding has 2 dimensions; this tenant\'s embeddings have 3 (stored items)'] });
    const twice = await http.put('/v1/items').set(client).send({ items: [{ id: 'c5', creator: 'x', category: 'a', embedding: [1, 0, 0] }, { id: 'c5', creator: 'y', category: 'b', embedding: [1, 0, 0] }] }).expect(400);
    expect(Object.keys(fields(twice))).toEqual(['items.1.id']);
    const bad = await http.put('/v1/items').set(client).send({ items: [{ id: 'has space', creator: 'x', category: 'a', embedding: [1, 0, 0], extra: 1 }] }).expect(400);
    expect(Object.keys(fields(bad)).sort()).toEqual(['items.0.extra', 'items.0.id']);
    await http.put('/v1/items').set(client).send({ items: [] }).expect(400);
    const many = Array.from({ length: 1_001 }, (_, i) => ({ id: `m${i}`, creator: 'x', category: 'a', embedding: [1, 0, 0] }));
    expect(Object.keys(fields(await http.put('/v1/items').set(client).send({ items: many }).expect(400)))).toEqual(['items']);
    expect(await prisma.recsysItem.count({ where: { id: { in: ['c2', 'c3', 'c4', 'c5', 'has space'] } } })).toBe(0);
  }, 60_000);

  it('DELETE /v1/items/:id: soft delete (events about it stay valid), then 404', async () => {
    await http.put('/v1/items').set(auth).send({ items: [{ id: 'gone', creator: 'ann', category: 'music', text: 'soon deleted' }] }).expect(200);
    expect((await http.delete('/v1/items/gone').set(auth).expect(200)).body).toEqual({ id: 'gone', deleted: true });
    expect((await http.delete('/v1/items/gone').set(auth).expect(404)).body.code).toBe('recsys.item_not_found');
    expect((await prisma.recsysItem.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: 'gone' } } })).deletedAt).toBeInstanceOf(Date);
    await http.post('/v1/events').set(auth).send({ events: [{ event_id: 'on-deleted', user_id: 'u', item_id: 'gone', type: 'click' }] }).expect(200);
  }, 30_000);

  it('POST /v1/events: stored durably before the answer, each new batch published once on the event bus (recsys-events, no job while the bus takes it), users created on first event; a retry stores nothing more', async () => {
    const events = [
      { event_id: 'a1', user_id: 'alice', item_id: 'v1', type: 'impression', surface: 'home', request_id: '2b0e3f5e-8a57-4d0e-9d6c-1f2a3b4c5d6e', position: 0, propensity: 0.9, at: minutesAgo(3) },
      { event_id: 'a2', user_id: 'alice', item_id: 'v1', type: 'click', at: minutesAgo(2) },
      { event_id: 'a3', user_id: 'alice', item_id: 'v1', type: 'watch', watch_seconds: 31.5, at: minutesAgo(1) },
      { event_id: 'a4', user_id: 'bob', item_id: 'v2', type: 'skip' },
      { event_id: 'a5', user_id: 'bob', item_id: 'v2', type: 'purchase', at: Math.floor(Date.now() / 1000) - 30 },
    ];
    const waitingBefore = (await app.get(JobQueue).counts(RECSYS_QUEUE))['waiting'] ?? 0;
    // the default bus: Redis Streams, one key per stream (`<prefix>:events:{<stream>}`), entries with the message id and payload
    const stream = `${redis.prefix}:events:{${RECSYS_EVENTS_STREAM}}`;
    const published = async () => (await redis.client.xrange(stream, '-', '+')).map(([, f]) => JSON.parse(f[f.indexOf('p') + 1] as string) as { tenantId: string; batchId: string });
    const before = (await published()).length;
    const res = await http.post('/v1/events').set(auth).send({ events }).expect(200);
    expect(res.body).toEqual({ accepted: 5, stored: 5, duplicates: 0, flagged: 0, batch_id: expect.any(String) });
    expect(await prisma.recsysEvent.count({ where: { tenantId, batchId: res.body.batch_id } })).toBe(5);
    expect((await prisma.recsysEvent.findUniqueOrThrow({ where: { tenantId_eventId: { tenantId, eventId: 'a1' } } })).propensity).toBe(0.9);
    expect(await prisma.recsysUser.count({ where: { tenantId, id: { in: ['alice', 'bob'] } } })).toBe(2);
    expect((await published()).slice(before)).toEqual([{ tenantId, batchId: res.body.batch_id }]);
    expect((await app.get(JobQueue).counts(RECSYS_QUEUE))['waiting'] ?? 0).toBe(waitingBefore);
    const retry = await http.post('/v1/events').set(auth).send({ events }).expect(200);
    expect(retry.body).toEqual({ accepted: 5, stored: 0, duplicates: 5, flagged: 0, batch_id: null });
    expect((await published()).length).toBe(before + 1);
    expect(await prisma.recsysEvent.count({ where: { tenantId, eventId: { in: events.map((e) => e.event_id) } } })).toBe(5);
  }, 30_000);

  it('POST /v1/events: every bad input is a 400 naming the field, and nothing of the batch is stored', async () => {
    const ok = { event_id: 'ok-1', user_id: 'carol', item_id: 'v1', type: 'click' };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ event_id: 'b1', user_id: 'carol', item_id: 'v1', type: 'like' }, 'events.1.type', /^events\.1\.type must be one of the following values: impression, click, skip, watch, purchase$/],
      [{ event_id: 'b2', user_id: 'carol', item_id: 'v1', type: 'watch', watch_seconds: -3 }, 'events.1.watch_seconds', /watch_seconds must not be less than 0/],
      [{ event_id: 'b3', user_id: 'carol', item_id: 'v1', type: 'watch', watch_seconds: 90_000 }, 'events.1.watch_seconds', /must not be greater than 86400/],
      [{ event_id: 'b4', user_id: 'carol', item_id: 'v1', type: 'click', at: new Date(Date.now() + 3_600_000).toISOString() }, 'events.1.at', /at must not be in the future \(latest accepted: .*the server's clock plus 5 minutes\)/],
      [{ event_id: 'b5', user_id: 'carol', item_id: 'v1', type: 'click', at: '2026-02-30T10:00:00Z' }, 'events.1.at', /is not a real date/],
      [{ event_id: 'b6', user_id: 'carol', item_id: 'v1', type: 'watch' }, 'events.1.watch_seconds', /required for a watch event/],
      [{ event_id: 'b7', user_id: 'carol', item_id: 'v1', type: 'skip', watch_seconds: 2 }, 'events.1.watch_seconds', /only for watch events/],
      [{ event_id: 'b8', user_id: 'carol', item_id: 'nope', type: 'click' }, 'events.1.item_id', /"nope" is not a known item/],
      [{ event_id: 'b9', user_id: 'carol\u0000', item_id: 'v1', type: 'click' }, 'events.1.user_id', /user_id/],
      [{ event_id: 'b10', user_id: 'carol', item_id: 'v1', type: 'impression', propensity: 0 }, 'events.1.propensity', /propensity must not be less than/],
      [{ event_id: 'b11', user_id: 'carol', item_id: 'v1', type: 'impression', request_id: 'r-1' }, 'events.1.request_id', /request_id must be a UUID/],
      [{ event_id: 'b12', user_id: 'carol', item_id: 'v1', type: 'click', bot: true }, 'events.1.bot', /^events\.1\.bot should not exist/],
    ];
    for (const [bad, field, message] of cases) {
      const res = await http.post('/v1/events').set(auth).send({ events: [ok, bad] });
      expect([res.status, Object.keys(fields(res) ?? {})]).toEqual([400, [field]]);
      expect((fields(res)[field] ?? []).join(' ')).toMatch(message);
    }
    expect(Object.keys(fields(await http.post('/v1/events').set(auth).send({ events: [] }).expect(400)))).toEqual(['events']);
    expect(fields(await http.post('/v1/events').set(auth).send({ events: [ok, 'click'] }).expect(400))).toEqual({ 'events.1': ['events.1 must be an object'] });
    const tooMany = Array.from({ length: 1_001 }, (_, i) => ({ ...ok, event_id: `t${i}` }));
    expect(fields(await http.post('/v1/events').set(auth).send({ events: tooMany }).expect(400))['events']).toEqual(['events must contain no more than 1000 elements']);
    expect(await prisma.recsysEvent.count({ where: { tenantId, userId: 'carol' } })).toBe(0);
    expect(await prisma.recsysUser.count({ where: { tenantId, id: 'carol' } })).toBe(0);
  }, 60_000);

  it('answers 401 without a key and 403 without the write scope; the routes are documented', async () => {
    await http.post('/v1/events').send({ events: [] }).expect(401);
    await http.post('/v1/events').set(readOnly).send({ events: [{ event_id: 'x', user_id: 'u', item_id: 'v1', type: 'click' }] }).expect(403);
    await http.put('/v1/items').set(readOnly).send({ items: [{ id: 'x', creator: 'c', category: 'a' }] }).expect(403);
    const docs = (await http.get('/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/v1/items', '/v1/items/{id}', '/v1/events']));
  }, 30_000);
});
