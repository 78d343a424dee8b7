import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { recsysChannels } from '@frontier/recsys-contracts';
import { AppModule } from './app.module';
import { RecsysApiEnv } from './env';
import { seedDashboard, type DashboardSeed } from './testing/dashboard.fixture';

const ADMIN = 'recsys-admin-token-0123456789abcdef';

describe('recsys-api dashboard routes: CTR, flags, the model registry with its OPE, promote / roll back (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let tenantId: string;
  let seed: DashboardSeed;
  let auth: Record<string, string>;
  let other: Record<string, string>;
  const admin = { authorization: `Bearer ${ADMIN}` };

  beforeAll(async () => {
    db = await createTestDatabase('recsys_dashboard');
    redis = await createTestRedis('recsysdash');
    const env = loadEnv(RecsysApiEnv, { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, ADMIN_TOKEN: ADMIN, RECSYS_MODEL_POLL_MS: '60000' });
    app = await createHttpApp(AppModule.register(env, {}), { service: 'recsys-api', logger: false });
    await app.init();
    http = request(app.getHttpServer());
    const tenancy = app.get(TenancyService);
    const t = await tenancy.createTenant('acme');
    tenantId = t.id;
    auth = { authorization: `Bearer ${(await tenancy.issueKey(t.id, 'ro', ['recsys:read'])).key}` };
    const o = await tenancy.createTenant('other');
    other = { authorization: `Bearer ${(await tenancy.issueKey(o.id, 'ro', ['recsys:read'])).key}` };
    seed = await seedDashboard(app.get(PrismaService), tenantId, { hours: 30 });
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await redis.cleanup();
    await db.drop();
  });

  it('GET /v1/dashboard/ctr: impressions, clicks, CTR and exploration share per hour (flagged clicks left out); per day; only the key tenant', async () => {
    const res = await http.get('/v1/dashboard/ctr').set(auth).query({ bucket: 'hour' }).expect(200);
    expect(res.body.bucket).toBe('hour');
    // the default window is 48 hours: every seeded hour is in it
    expect(res.body.points).toHaveLength(seed.hours);
    expect(res.body.totals).toMatchObject({ impressions: seed.impressions, explored: seed.explored, clicks: seed.clicks });
    expect(res.body.totals.ctr).toBeCloseTo(seed.clicks / seed.impressions, 10);
    expect(res.body.totals.explorationShare).toBeCloseTo(seed.explored / seed.impressions, 10);
    const p = res.body.points[0];
    expect(p.ctr).toBeCloseTo(p.clicks / p.impressions, 10);
    expect(new Date(p.at).getUTCMinutes()).toBe(0);
    const days = await http.get('/v1/dashboard/ctr').set(auth).query({ bucket: 'day' }).expect(200);
    expect(days.body.points.reduce((s: number, x: { impressions: number }) => s + x.impressions, 0)).toBe(seed.impressions);
    expect((await http.get('/v1/dashboard/ctr').set(other).expect(200)).body.totals).toMatchObject({ impressions: 0, clicks: 0, ctr: null });
  });

  it('GET /v1/dashboard/ctr: bad or unbounded windows are a 400 naming the field', async () => {
    const fields = async (q: Record<string, string>) => Object.keys((await http.get('/v1/dashboard/ctr').set(auth).query(q).expect(400)).body.fields);
    expect(await fields({ bucket: 'week' })).toEqual(['bucket']);
    expect(await fields({ from: '2026-02-30T00:00:00Z' })).toEqual(['from']);
    expect(await fields({ from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', bucket: 'hour' })).toEqual(['from']);
    expect(await fields({ from: '2026-03-01T00:00:00Z', to: '2026-01-01T00:00:00Z', bucket: 'day' })).toEqual(['from']);
    await http.get('/v1/dashboard/ctr').expect(401);
  });

  it('GET /v1/dashboard/flagged: the anomaly-flagged item and the bot user with their reasons and counts', async () => {
    const res = await http.get('/v1/dashboard/flagged').set(auth).expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ id: 'item-spiky', reason: 'ctr spike: 12× the hour before', events: 5 })]);
    expect(res.body.users).toEqual([expect.objectContaining({ id: 'scraper-9', reason: 'bot: 40 events in 10 s', events: 5 })]);
    expect(Object.keys((await http.get('/v1/dashboard/flagged').set(auth).query({ limit: '0' }).expect(400)).body.fields)).toEqual(['limit']);
    expect((await http.get('/v1/dashboard/flagged').set(other).expect(200)).body).toMatchObject({ items: [], users: [] });
  });

  it('GET /v1/dashboard/models: versions newest first with OPE estimates, CIs and diagnostics, the live one, the promotion log', async () => {
    const res = await http.get('/v1/dashboard/models').set(auth).expect(200);
    expect(res.body.versions.map((v: { version: number; state: string }) => [v.version, v.state])).toEqual([
      [3, 'rejected'],
      [2, 'live'],
      [1, 'retired'],
    ]);
    expect(res.body.live).toMatchObject({ id: seed.versions.v2, version: 2 });
    const v3 = res.body.versions[0];
    expect(v3.metrics.ope.candidate.dr).toMatchObject({ estimate: 0.058, lower: expect.any(Number), upper: expect.any(Number) });
    expect(v3.metrics.ope.candidate.diagnostics.ess).toBe(64);
    expect(v3.metrics.gate.reasons[0]).toMatch(/ESS 64/);
    expect(res.body.promotions.map((p: { action: string }) => p.action)).toEqual(['promote', 'promote']);
    expect(res.body.versions[0].weights).toBeUndefined();
    expect((await http.get('/v1/dashboard/models').set(other).expect(200)).body).toMatchObject({ live: null, versions: [] });
  });

  it('admin: roll back and promote by hand with the operator token (the change announced on Redis); a tenant key is refused; bad params name the field', async () => {
    const base = `/v1/admin/tenants/${tenantId}/models`;
    await http.post(`${base}/rollback`).set(auth).send({}).expect(401);
    await http.post(`${base}/rollback`).send({}).expect(401);
    const sub = redis.client.duplicate();
    const heard: string[] = [];
    await sub.subscribe(recsysChannels(redis.prefix).modelChanged);
    sub.on('message', (_c, m) => heard.push(m));
    const back = await http.post(`${base}/rollback`).set(admin).send({ reason: 'CTR fell' }).expect(200);
    expect(back.body).toMatchObject({ action: 'rollback', from: { version: 2 }, to: { version: 1 }, reason: 'CTR fell' });
    // a rejected version needs force
    expect((await http.post(`${base}/3/promote`).set(admin).send({}).expect(409)).body.code).toBe('recsys.model_version_state');
    const up = await http.post(`${base}/2/promote`).set(admin).send({ reason: 'after review' }).expect(200);
    expect(up.body).toMatchObject({ action: 'promote', from: { version: 1 }, to: { version: 2 } });
    expect((await http.get('/v1/dashboard/models').set(auth).expect(200)).body.live.version).toBe(2);
    await http.post(`${base}/9/promote`).set(admin).send({}).expect(404);
    expect(Object.keys((await http.post(`/v1/admin/tenants/nope/models/rollback`).set(admin).send({}).expect(400)).body.fields)).toEqual(['tenantId']);
    expect(Object.keys((await http.post(`${base}/two/promote`).set(admin).send({}).expect(400)).body.fields)).toEqual(['version']);
    expect(Object.keys((await http.post(`${base}/2/promote`).set(admin).send({ force: 'yes' }).expect(400)).body.fields)).toEqual(['force']);
    for (let i = 0; i < 50 && heard.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(heard.map((m) => JSON.parse(m).versionId)).toEqual([seed.versions.v1, seed.versions.v2]);
    await sub.quit();
  });
});
