import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createTestDatabase, REDIS_MODES, startPrivateRedis, startPrivateRedisCluster, type PrivateRedis, type PrivateRedisCluster, type TestDatabase } from '@frontier/platform-testing';
import { Public } from '../auth/public.decorator';
import { TenancyService } from '../auth/tenancy.service';
import { createHttpApp } from '../bootstrap';
import { PlatformModule } from '../platform.module';

@Controller('t')
class LimitedController {
  @Get('keyed')
  keyed() {
    return { ok: true };
  }

  @Public()
  @Get('open')
  open() {
    return { ok: true };
  }
}

/** Item 10 of issue 10: per-key and per-IP limits shared by replicas through Redis. */
describe.each(REDIS_MODES)('rate limits (two app instances sharing a private %s Redis, real Postgres)', (mode) => {
  let db: TestDatabase;
  let redis: PrivateRedis | PrivateRedisCluster;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase('ratelimit'), mode === 'cluster' ? startPrivateRedisCluster() : startPrivateRedis()]);
    const redisClusterNodes = 'clusterNodes' in redis ? redis.clusterNodes : undefined;
    for (let i = 0; i < 2; i++) {
      @Module({
        imports: [PlatformModule.forHttp({ service: 'rl-test', databaseUrl: db.url, redisUrl: redis.url, redisClusterNodes, redisPrefix: 'rl', rateLimit: { perKey: 5, perIp: 3 } })],
        controllers: [LimitedController],
      })
      class AppModule {}
      const app = await createHttpApp(AppModule, { service: 'rl-test', logger: false });
      await app.init();
      apps.push(app);
    }
  }, 60_000);

  const replicas = () => {
    const [a, b] = apps;
    if (!a || !b) throw new Error('the two replicas did not start');
    return { a: request(a.getHttpServer()), b: request(b.getHttpServer()), tenancy: a.get(TenancyService) };
  };

  afterAll(async () => {
    for (const app of apps) await app.close();
    await redis.dispose();
    await db.drop();
  });

  it('a key has one budget across replicas: 429 with Retry-After past it, X-RateLimit-* on every answer; other keys unaffected', async () => {
    const { a, b, tenancy } = replicas();
    const tenant = await tenancy.createTenant('limited');
    const key = (await tenancy.issueKey(tenant.id, 'k', ['*'])).key;
    const other = (await tenancy.issueKey(tenant.id, 'k2', ['*'])).key;

    const remaining: string[] = [];
    for (const http of [a, b, a, b, a]) {
      const res = await http.get('/t/keyed').set('authorization', `Bearer ${key}`).expect(200);
      expect(res.headers['x-ratelimit-limit']).toBe('5');
      remaining.push(res.headers['x-ratelimit-remaining'] as string);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);

    const limited = await b.get('/t/keyed').set('authorization', `Bearer ${key}`).expect(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'rate_limited', message: [expect.stringMatching(/rate limit of 5 requests per minute for this API key exceeded; retry in \d+ s/)] });
    await a.get('/t/keyed').set('authorization', `Bearer ${key}`).expect(429);

    await a.get('/t/keyed').set('authorization', `Bearer ${other}`).expect(200);
  });

  it('routes without a key are limited per client address; health and readiness never are', async () => {
    const { a, b } = replicas();
    await a.get('/t/open').expect(200);
    await b.get('/t/open').expect(200);
    await a.get('/t/open').expect(200);
    const limited = await b.get('/t/open').expect(429);
    expect(limited.body.message[0]).toMatch(/for this client address/);
    for (let i = 0; i < 8; i++) await a.get('/healthz').expect(200);
  });

  it('with Redis down the limiter neither fails nor blocks a request: each process counts in memory', async () => {
    const { a, tenancy } = replicas();
    const key = (await tenancy.issueKey((await tenancy.createTenant('limited-offline')).id, 'k', ['*'])).key;
    await redis.stop();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await a.get('/t/keyed').set('authorization', `Bearer ${key}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    await redis.start();
  }, 30_000);
});
