import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadEnv } from '@frontier/platform-config';
import { PLATFORM_QUEUE } from '@frontier/platform-contracts';
import { createHttpApp } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { JobQueue } from '@frontier/platform-queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { AppModule } from './app.module';
import { PlatformApiEnv } from './env';

const ADMIN = 'admin-token-for-tests-0123456789';

describe('platform-api over HTTP (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    db = await createTestDatabase('platform_api');
    redis = await createTestRedis('platformapi');
    const env = loadEnv(PlatformApiEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, ADMIN_TOKEN: ADMIN });
    app = await createHttpApp(AppModule.register(env), { service: 'platform-api', logger: false });
    await app.init();
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app.close();
    await redis.cleanup();
    await db.drop();
  });

  it('liveness, readiness with real pings, metrics and OpenAPI', async () => {
    const live = await http.get('/healthz').expect(200);
    // uptime is rounded to whole seconds: compare within one (the request may cross a boundary)
    expect(live.body.status).toBe('ok');
    expect(Math.abs(live.body.uptimeSeconds - process.uptime())).toBeLessThanOrEqual(1);
    const ready = await http.get('/readyz').expect(200);
    expect(ready.body.checks.postgres.status).toBe('up');
    expect(ready.body.checks.redis.status).toBe('up');
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toContain('http_request_duration_seconds_bucket{le="0.005",method="GET",route="/readyz",status="200"}');
    const doc = await http.get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/tenants', '/v1/me', '/healthz', '/readyz']));
  });

  it('refuses requests without credentials or with a wrong admin token', async () => {
    await http.post('/v1/tenants').send({ name: 'acme' }).expect(401);
    await http.post('/v1/tenants').set('authorization', 'Bearer nope').send({ name: 'acme' }).expect(401);
    await http.get('/v1/me').set('x-api-key', 'fk_000000000000_' + 'a'.repeat(43)).expect(401);
  });

  it('answers 400 naming the field, and stores nothing', async () => {
    const admin = { authorization: `Bearer ${ADMIN}` };
    const bad = await http.post('/v1/tenants').set(admin).send({ name: 'Not Valid!' }).expect(400);
    expect(bad.body.fields).toEqual({ name: ['name may hold only lowercase letters, digits and dashes, starting with a letter or digit'] });
    const extra = await http.post('/v1/tenants').set(admin).send({ name: 'ok-name', plan: 'gold' }).expect(400);
    expect(extra.body.message).toEqual(['property plan should not exist']);
    const missing = await http.post('/v1/tenants').set(admin).send({}).expect(400);
    expect(Object.keys(missing.body.fields)).toEqual(['name']);
    const notUuid = await http.post('/v1/tenants/123/api-keys').set(admin).send({ name: 'k' }).expect(400);
    expect(notUuid.body.fields).toEqual({ tenantId: ['tenantId must be a UUID'] });
    expect(await app.get(PrismaService).tenant.count()).toBe(0);
  });

  it('creates a tenant, issues a key that authenticates, records use via a job, revokes it', async () => {
    const admin = { authorization: `Bearer ${ADMIN}` };
    const tenant = (await http.post('/v1/tenants').set(admin).send({ name: 'acme' }).expect(201)).body;
    await http.post('/v1/tenants').set(admin).send({ name: 'acme' }).expect(409);
    const badScope = await http.post(`/v1/tenants/${tenant.id}/api-keys`).set(admin).send({ name: 'k', scopes: ['root'] }).expect(400);
    expect(Object.keys(badScope.body.fields)).toEqual(['scopes']);
    // the shared input layer: a NUL or a lone surrogate in a key name is a 400 naming it, nothing stored
    for (const name of ['a\u0000b', 'al\udc00ice', '  ']) {
      const bad = await http.post(`/v1/tenants/${tenant.id}/api-keys`).set(admin).send({ name }).expect(400);
      expect(Object.keys(bad.body.fields)).toEqual(['name']);
    }
    expect((await http.get(`/v1/tenants/${tenant.id}/api-keys`).set(admin).expect(200)).body).toHaveLength(0);
    const issued = (await http.post(`/v1/tenants/${tenant.id}/api-keys`).set(admin).send({ name: 'chat', scopes: ['memory:*'] }).expect(201)).body;
    expect(issued.key).toMatch(/^fk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);

    const me = await http.get('/v1/me').set('authorization', `Bearer ${issued.key}`).expect(200);
    expect(me.body).toEqual({ tenantId: tenant.id, keyId: issued.id, scopes: ['memory:*'] });
    // the secret is never stored or listed
    const listed = (await http.get(`/v1/tenants/${tenant.id}/api-keys`).set(admin).expect(200)).body;
    // the secret is everything after 'fk_<12 hex>_' (it may itself contain '_')
    expect(JSON.stringify(listed)).not.toContain(issued.key.slice('fk_'.length + 12 + 1));
    // use was recorded as a job, deduplicated per minute
    await http.get('/v1/me').set('x-api-key', issued.key).expect(200);
    await new Promise((r) => setTimeout(r, 50));
    const counts = await app.get(JobQueue).counts(PLATFORM_QUEUE);
    expect(counts['waiting']).toBe(1);

    await http.delete(`/v1/tenants/${tenant.id}/api-keys/${issued.id}`).set(admin).expect(204);
    await http.delete(`/v1/tenants/${tenant.id}/api-keys/${issued.id}`).set(admin).expect(404);
    await http.get('/v1/me').set('authorization', `Bearer ${issued.key}`).expect(401);
  });
});
