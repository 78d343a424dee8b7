import { Module, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { createHttpApp } from './bootstrap';
import { PlatformModule } from './platform.module';
import { describeConnections, maskUrl, platformSettings, type PlatformSettings } from './settings';
import { describeAddress } from './shutdown';

const TOKEN = 'ops-token-0123456789abcdef';

describe('operator access to /metrics and /docs by config (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  const apps: INestApplication[] = [];
  const build = async (extra: Partial<PlatformSettings>) => {
    @Module({ imports: [PlatformModule.forHttp({ service: 'ops', databaseUrl: db.url, redisUrl: redis.url, redisPrefix: redis.prefix, ...extra })] })
    class AppModule {}
    const app = await createHttpApp(AppModule, { service: 'ops', logger: false });
    await app.init();
    apps.push(app);
    return request(app.getHttpServer());
  };
  beforeAll(async () => {
    db = await createTestDatabase('ops');
    redis = await createTestRedis('ops');
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await redis.cleanup();
    await db.drop();
  });

  it('open by default', async () => {
    const http = await build({});
    expect((await http.get('/metrics').expect(200)).text).toContain('http_request_duration_seconds');
    await http.get('/docs-json').expect(200);
  });

  it('metrics behind a bearer token, docs closed', async () => {
    const http = await build({ metrics: { token: TOKEN }, docs: { enabled: false } });
    await http.get('/metrics').expect(401);
    await http.get('/metrics').set('authorization', 'Bearer wrong-token-0123456789').expect(401);
    await http.get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(200);
    await http.get('/docs-json').expect(404);
    await http.get('/docs').expect(404);
  });

  it('metrics closed, docs behind a token (header or ?token=)', async () => {
    const http = await build({ metrics: { enabled: false }, docs: { token: TOKEN } });
    await http.get('/metrics').set('authorization', `Bearer ${TOKEN}`).expect(404);
    const denied = await http.get('/docs-json').expect(401);
    expect(denied.body.message).toMatch(/DOCS_TOKEN/);
    await http.get('/docs-json').set('authorization', `Bearer ${TOKEN}`).expect(200);
    await http.get(`/docs-json?token=${TOKEN}`).expect(200);
  });
});

describe('start-up lines', () => {
  it('name the database host/name, the Redis URL with its password masked, and the prefix', () => {
    const s = platformSettings('memory-api', {
      DATABASE_URL: 'postgresql://frontier:s3cret@db.internal:6543/frontier?sslmode=require',
      REDIS_URL: 'redis://:hunter2@cache.internal:6380/2',
      REDIS_PREFIX: 'prod',
      DATABASE_POOL_SIZE: 20,
    });
    const line = describeConnections(s);
    expect(line).toBe('postgres db.internal:6543/frontier as frontier (pool 20), redis redis://:***@cache.internal:6380/2, prefix prod');
    expect(line).not.toContain('s3cret');
    expect(maskUrl('rediss://user:pw@h:1')).toBe('rediss://user:***@h:1');
  });

  it('say the address actually bound', () => {
    expect(describeAddress({ address: '127.0.0.1', family: 'IPv4', port: 3000 })).toBe('http://127.0.0.1:3000');
    expect(describeAddress({ address: '::1', family: 'IPv6', port: 3000 })).toBe('http://[::1]:3000');
    expect(describeAddress({ address: '0.0.0.0', family: 'IPv4', port: 80 })).toBe('http://0.0.0.0:80 (all IPv4 interfaces)');
    expect(describeAddress({ address: '::', family: 'IPv6', port: 80 })).toBe('http://[::]:80 (all interfaces)');
  });
});
