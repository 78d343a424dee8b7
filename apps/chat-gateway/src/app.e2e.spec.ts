import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { MULTIMODAL_QUEUE } from '@frontier/multimodal-contracts';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule } from './app.module';
import { ChatGatewayEnv } from './env';

describe('chat-gateway over HTTP (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let key: string;
  let readOnlyKey: string;

  beforeAll(async () => {
    db = await createTestDatabase('chat_gateway');
    redis = await createTestRedis('multimodalapi');
    const env = loadEnv(ChatGatewayEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix });
    app = await createHttpApp(AppModule.register(env), { service: 'chat-gateway', logger: false });
    await app.init();
    http = request(app.getHttpServer());
    const tenancy = app.get(TenancyService);
    const tenant = await tenancy.createTenant('acme');
    key = (await tenancy.issueKey(tenant.id, 'rw', ['multimodal:*'])).key;
    readOnlyKey = (await tenancy.issueKey(tenant.id, 'ro', ['multimodal:read'])).key;
  }, 30_000);

  afterAll(async () => {
    await app.close();
    await redis.cleanup();
    await db.drop();
  });

  it('creates an item, queues its processing and reads it back', async () => {
    const auth = { authorization: `Bearer ${key}` };
    const created = (await http.post('/v1/multimodal/items').set(auth).send({ title: '  First   item ' }).expect(201)).body;
    expect(created).toMatchObject({ title: 'First item', processedAt: null });
    expect((await app.get(JobQueue).counts(MULTIMODAL_QUEUE))['waiting']).toBe(1);
    const read = (await http.get(`/v1/multimodal/items/${created.id}`).set(auth).expect(200)).body;
    expect(read).toEqual(created);
    const docs = (await http.get('/docs-json').expect(200)).body;
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/v1/multimodal/items', '/v1/multimodal/items/{id}']));
  }, 30_000);

  it('answers 401 without a key, 403 without the scope, 400 naming the field, 404 for an unknown item', async () => {
    await http.post('/v1/multimodal/items').send({ title: 'x' }).expect(401);
    await http.post('/v1/multimodal/items').set('x-api-key', readOnlyKey).send({ title: 'x' }).expect(403);
    const auth = { authorization: `Bearer ${key}` };
    expect((await http.post('/v1/multimodal/items').set(auth).send({}).expect(400)).body.fields).toEqual({ title: ['title must be a string'] });
    expect((await http.post('/v1/multimodal/items').set(auth).send({ title: '   ' }).expect(400)).body.fields).toEqual({ title: ['title must not be empty'] });
    await http.get('/v1/multimodal/items/not-a-uuid').set(auth).expect(400);
    expect((await http.get('/v1/multimodal/items/00000000-0000-4000-8000-000000000000').set(auth).expect(404)).body.code).toBe('multimodal.item_not_found');
  }, 30_000);
});
