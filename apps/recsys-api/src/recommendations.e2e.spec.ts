import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadEnv } from '@frontier/platform-config';
import { createHttpApp, TenancyService } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { createTestDatabase, createTestRedis, until, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { RECSYS_MODEL_KIND } from '@frontier/recsys-contracts';
import { FeatureStore, ImpressionRepository, ItemRepository, ModelVersionsRepository, RankingCatalogRepository } from '@frontier/recsys-data-access';
import { MODEL_INPUT_DIMS, MODEL_INPUT_LAYOUT, serializeModel, TwoTowerModel, userEventIncrements, type FeatureEvent } from '@frontier/recsys-domain';
import { IndexBuilderService, ItemCatalogService, RankingBus, rankingSettings } from '@frontier/recsys-nest';
import { AppModule } from './app.module';
import { RecsysApiEnv } from './env';

const DIM = 8;
const EPS = 0.2;
const CATEGORIES = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'];

/** Item `c<c>-<i>`: category c, creator `cr<i % 3>`, embedding = basis vector of its category + a little of another axis. */
function item(c: number, i: number) {
  const v = new Float32Array(DIM);
  v[c] = 1;
  v[6 + (i % 2)] = 0.05 + 0.02 * i;
  return { id: `c${c}-${i}`, creator: `cr${i % 3}`, category: CATEGORIES[c] as string, text: '', metadata: {}, embedding: v, embeddingModel: 'client' };
}

interface Shown {
  id: string;
  score: number;
  position: number;
  propensity: number;
  explored: boolean;
}

describe('POST /v1/recommendations (real Postgres and Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let indexDir: string;
  let api: INestApplication;
  let http: ReturnType<typeof request>;
  let key: string;
  let tenantId: string;
  let items: ItemRepository;
  let impressions: ImpressionRepository;
  let models: ModelVersionsRepository;
  let builder: IndexBuilderService;
  let catalogs: ItemCatalogService;
  const auth = () => ({ authorization: `Bearer ${key}` });
  const recommend = (body: object) => http.post('/v1/recommendations').set(auth()).send(body);
  const count = async () => Number((await api.get(PrismaService).$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM recsys_impressions`))[0]?.n ?? 0);

  beforeAll(async () => {
    db = await createTestDatabase('recsys_ranking');
    redis = await createTestRedis('ranking');
    indexDir = await mkdtemp(join(tmpdir(), 'recsys-ranking-'));
    const env = loadEnv(RecsysApiEnv, {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      RECSYS_INDEX_DIR: indexDir,
      RECSYS_EPSILON: String(EPS),
      RECSYS_ITEMS_POLL_MS: '100',
      RECSYS_MODEL_POLL_MS: '100',
      RATE_LIMIT_PER_KEY: '0',
    });
    api = await createHttpApp(AppModule.register(env, {}), { service: 'recsys-api', logger: false });
    await api.init();
    http = request(api.getHttpServer());
    const tenancy = api.get(TenancyService);
    const t = await tenancy.createTenant('acme');
    tenantId = t.id;
    key = (await tenancy.issueKey(t.id, 'rw', ['recsys:*'])).key;
    const prisma = api.get(PrismaService);
    items = new ItemRepository(prisma);
    impressions = new ImpressionRepository(prisma);
    models = new ModelVersionsRepository(prisma);
    catalogs = api.get(ItemCatalogService);
    builder = new IndexBuilderService(new RankingCatalogRepository(prisma), rankingSettings({ indexDir, hnsw: { m: 8, efConstruction: 40 } }), new RankingBus(redis.client, redis.prefix));

    // 6 categories × 10 items; the user engaged with c0, c1 and c2 (shares 0.6 / 0.3 / 0.1) in the last hour
    await items.upsert(tenantId, CATEGORIES.flatMap((_, c) => Array.from({ length: 10 }, (__, i) => item(c, i))));
    const store = new FeatureStore(redis.client, redis.prefix);
    const now = Date.now();
    const events: FeatureEvent[] = [...Array(6).fill('c0'), ...Array(3).fill('c1'), 'c2'].map((category: string, n) => ({ userId: 'alice', itemId: `${category}-${n}`, category, type: 'click', atMs: now - 60_000 }));
    const ops = events.flatMap((e) => userEventIncrements(e, now).map((inc) => ({ key: store.userBucketKey(tenantId, 'alice', inc.window, inc.bucket), field: inc.field, by: inc.by, expiresAtMs: inc.expiresAtMs })));
    expect(await store.applyBatch(tenantId, '00000000-0000-4000-8000-00000000a11c', ops)).toBe('applied');
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await redis?.cleanup();
    await db?.drop();
    await rm(indexDir, { recursive: true, force: true });
  });

  it('refuses bad input with a 400 naming the field, and logs nothing', async () => {
    const before = await count();
    const cases: Array<[object, string, string?]> = [
      [{ user: 'alice', surface: 'home', k: 0 }, 'k', 'k must be an integer from 1 to 100'],
      [{ user: 'alice', surface: 'home', k: 101 }, 'k', 'k must be an integer from 1 to 100'],
      [{ user: 'alice', surface: 'home', k: 2.5 }, 'k'],
      [{ user: 'alice', surface: 'home', k: -3 }, 'k'],
      [{ user: 'alice', surface: 'home', k: '1e1' }, 'k'],
      [{ user: 'alice', surface: 'home', k: null }, 'k'],
      [{ user: 'alice', surface: 'home' }, 'k'],
      [{ surface: 'home', k: 10 }, 'user'],
      [{ user: 'al ice', surface: 'home', k: 10 }, 'user'],
      [{ user: 'alice', k: 10 }, 'surface'],
      [{ user: 'alice', surface: 'home', k: 10, extra: 1 }, 'extra'],
      [{ user: 'alice', surface: 'home', k: 10, context: { exclude: ['ok', ''] } }, 'context.exclude'],
      [{ user: 'alice', surface: 'home', k: 10, context: { mood: 'happy' } }, 'context.mood'],
    ];
    for (const [body, field, message] of cases) {
      const r = await recommend(body);
      expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), 400]);
      expect(Object.keys(r.body.fields)).toContain(field);
      if (message) expect(r.body.fields[field]).toEqual([message]);
    }
    await http.post('/v1/recommendations').send({ user: 'alice', surface: 'home', k: 10 }).expect(401);
    expect(await count()).toBe(before);
  });

  it('an unknown user gets the cold-start slate (popular + diverse, newest when nothing is popular yet), logged like any other', async () => {
    const r = await recommend({ user: 'stranger', surface: 'home', k: 6 }).expect(200);
    expect(r.body).toMatchObject({ model_version: 'cold-start', policy: 'epsilon-greedy', cold_start: true });
    expect(r.body.items).toHaveLength(6);
    const logged = await impressions.forRequest(tenantId, r.body.request_id);
    expect(logged.map((l) => [l.itemId, l.position, l.propensity, l.explored, l.modelVersion, l.userId, l.surface])).toEqual(
      r.body.items.map((i: Shown) => [i.id, i.position, i.propensity, i.explored, 'cold-start', 'stranger', 'home']),
    );
  });

  it('logs every shown item with the propensity the ε-greedy policy gives it: ε/n explored, 1 − ε + ε/n exploited', async () => {
    // alice's candidates: her three categories' queries ask for 120, 60 and 20 neighbours: all 60 items
    const n = 60;
    let explored = 0;
    for (let r = 0; r < 30; r++) {
      const res = await recommend({ user: 'alice', surface: 'home', k: 6 }).expect(200);
      expect(res.body).toMatchObject({ model_version: 'fallback', cold_start: false });
      const shown = res.body.items as Shown[];
      expect(shown.map((s) => s.position)).toEqual([0, 1, 2, 3, 4, 5]);
      for (const s of shown) expect(s.propensity).toBe(s.explored ? EPS / n : 1 - EPS + EPS / n);
      if (shown.some((s) => s.explored)) explored++;
      const logged = await impressions.forRequest(tenantId, res.body.request_id);
      expect(logged.map((l) => [l.itemId, l.position, l.propensity, l.explored, l.score, l.policy])).toEqual(shown.map((s) => [s.id, s.position, s.propensity, s.explored, s.score, 'epsilon-greedy']));
    }
    expect(explored).toBeLessThan(30);
  });

  it('holds the diversity caps (≤ 2 per creator and per category) on every exploited slate', async () => {
    let exploited = 0;
    for (let r = 0; r < 20; r++) {
      const shown = (await recommend({ user: 'alice', surface: 'feed', k: 6 }).expect(200)).body.items as Shown[];
      if (shown.some((s) => s.explored)) continue;
      exploited++;
      const per = (f: (id: string) => string) => Math.max(...Object.values(shown.reduce<Record<string, number>>((m, s) => ({ ...m, [f(s.id)]: (m[f(s.id)] ?? 0) + 1 }), {})));
      expect(per((id) => id.split('-')[0] as string)).toBeLessThanOrEqual(2); // category
      expect(per((id) => `cr${Number(id.split('-')[1]) % 3}`)).toBeLessThanOrEqual(2); // creator
      // uncapped, the best six would all be c0 items
      expect(shown.filter((s) => s.id.startsWith('c0-'))).toHaveLength(2);
    }
    expect(exploited).toBeGreaterThan(0);
  });

  it('serves a new item from the buffer before the index rebuild, then from the rebuilt index', async () => {
    const first = await builder.rebuild(tenantId);
    expect(first[0]).toMatchObject({ tenantId, items: 60, dim: DIM });
    await until(async () => (catalogs.describe(tenantId)?.buildId === first[0]?.buildId ? true : undefined), 10_000);
    expect(catalogs.describe(tenantId)).toEqual({ buildId: first[0]?.buildId, indexed: 60, buffered: 0 });

    // exactly along c0's centroid (alice's favourite query): the best candidate there is
    const fresh = new Float32Array(DIM);
    for (let i = 0; i < 10; i++) {
      const v = item(0, i).embedding;
      const norm = Math.hypot(...v);
      v.forEach((x, j) => (fresh[j] += x / norm));
    }
    await items.upsert(tenantId, [{ id: 'c0-new', creator: 'newcomer', category: 'c0', text: '', metadata: {}, embedding: fresh, embeddingModel: 'client' }]);
    await until(async () => ((catalogs.describe(tenantId)?.buffered ?? 0) > 0 ? true : undefined), 10_000);
    expect(catalogs.describe(tenantId)).toEqual({ buildId: first[0]?.buildId, indexed: 60, buffered: 1 });
    const greedy = async () => {
      for (;;) {
        const shown = (await recommend({ user: 'alice', surface: 'home', k: 6 }).expect(200)).body.items as Shown[];
        if (!shown.some((s) => s.explored)) return shown;
      }
    };
    expect((await greedy())[0]?.id).toBe('c0-new');

    const second = await builder.rebuild(tenantId);
    await until(async () => (catalogs.describe(tenantId)?.buildId === second[0]?.buildId ? true : undefined), 10_000);
    expect(catalogs.describe(tenantId)).toEqual({ buildId: second[0]?.buildId, indexed: 61, buffered: 0 });
    expect((await greedy())[0]?.id).toBe('c0-new');

    // deleted: out at the next catch-up, index build or not
    await items.softDelete(tenantId, 'c0-new');
    await until(async () => (catalogs.describe(tenantId)?.indexed === 60 ? true : undefined), 10_000);
    expect((await greedy()).map((s) => s.id)).not.toContain('c0-new');
  });

  it('hot-swaps to a newly promoted model version without a restart (and keeps serving when the live one cannot be served)', async () => {
    const blob = (seed: number, dims = MODEL_INPUT_DIMS) => serializeModel(new TwoTowerModel({ ...dims }, seed), { layout: MODEL_INPUT_LAYOUT });
    const v1 = await models.register({ tenantId, kind: RECSYS_MODEL_KIND, weights: blob(1), metrics: {} });
    await models.promote(v1.id, { reason: 'test', force: true });
    const versionOf = async () => (await recommend({ user: 'alice', surface: 'home', k: 6 }).expect(200)).body.model_version as string;
    await until(async () => ((await versionOf()) === v1.id ? true : undefined), 10_000);

    const v2 = await models.register({ tenantId, kind: RECSYS_MODEL_KIND, weights: blob(2), metrics: {} });
    await models.promote(v2.id, { reason: 'test', force: true });
    await until(async () => ((await versionOf()) === v2.id ? true : undefined), 10_000);
    const r = await recommend({ user: 'alice', surface: 'home', k: 6 }).expect(200);
    const logged = await impressions.forRequest(tenantId, r.body.request_id);
    expect(new Set(logged.map((l) => l.modelVersion))).toEqual(new Set([v2.id]));
    for (const s of r.body.items as Shown[]) expect(s.score).toBeGreaterThan(0);

    // a live version whose inputs this server does not build: the fallback policy, no error
    const odd = await models.register({ tenantId, kind: RECSYS_MODEL_KIND, weights: blob(3, { userDim: 4, itemDim: 4, contextDim: 2 }), metrics: {} });
    await models.promote(odd.id, { reason: 'test', force: true });
    await until(async () => ((await versionOf()) === 'fallback' ? true : undefined), 10_000);
  });
});
