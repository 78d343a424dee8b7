import { Controller, Get, Inject, Module, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AddressInfo } from 'node:net';
import { queueOf } from '@frontier/platform-jobs';
import { PrismaService } from '@frontier/platform-prisma';
import { JobQueue } from '@frontier/platform-queue';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from '@frontier/platform-testing';
import { createHttpApp } from './bootstrap';
import { TenancyService } from './auth/tenancy.service';
import { PlatformModule } from './platform.module';
import { REDIS } from './redis.provider';

const Jobs = { touch: queueOf('outage').job<{ at: string }>('outage.touch') };

@Controller('t')
class OutageController {
  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobQueue,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get('db')
  async db() {
    return { tenants: await this.prisma.tenant.count() };
  }

  @Post('write')
  async write() {
    const tenant = await this.prisma.tenant.create({ data: { name: `w-${Date.now()}-${Math.random()}` } });
    await this.jobs.enqueue(Jobs.touch, { at: tenant.id });
    return { id: tenant.id };
  }

  @Get('redis')
  async cache() {
    return { value: await this.redis.get('outage:k') };
  }
}

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: { code?: string; message?: string[] };
}

/**
 * Item 6 of issue 10: with Postgres or Redis stopped, every route (auth included) answers 503
 * with Retry-After in under a second — never 500, never a hang — and 2xx again once the
 * dependency is back, without a restart. Private servers of the test's own, really stopped.
 */
describe('dependency outages over HTTP (private Postgres and Redis, stopped and restarted)', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let app: INestApplication;
  let base: string;
  let key: string;

  const call = async (method: 'GET' | 'POST', path: string, auth = true): Promise<Answer> => {
    const t0 = performance.now();
    const res = await fetch(`${base}${path}`, { method, headers: auth ? { authorization: `Bearer ${key}` } : {}, signal: AbortSignal.timeout(10_000) });
    const body = (await res.json().catch(() => ({}))) as Answer['body'];
    return { status: res.status, ms: performance.now() - t0, retryAfter: res.headers.get('retry-after'), body };
  };
  const until = async (cond: () => Promise<boolean>, ms = 15_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await cond()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('did not recover in time');
  };

  beforeAll(async () => {
    [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    @Module({
      // no auth cache: this spec checks that every route, auth included, answers 503 when Postgres is gone
      imports: [PlatformModule.forHttp({ service: 'outage-test', databaseUrl: pg.url, redisUrl: redis.url, redisPrefix: 'outage', authCacheMs: 0 })],
      controllers: [OutageController],
    })
    class AppModule {}
    app = await createHttpApp(AppModule, { service: 'outage-test', logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const tenancy = app.get(TenancyService);
    key = (await tenancy.issueKey((await tenancy.createTenant('outage')).id, 'k', ['*'])).key;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([pg?.dispose(), redis?.dispose()]);
  });

  it('Postgres stopped: every route, auth included, answers 503 + Retry-After in < 1 s; back to 2xx without a restart', async () => {
    expect((await call('GET', '/t/db')).status).toBe(200);
    expect((await call('POST', '/t/write')).status).toBe(201);

    await pg.stop();
    const answers = [
      await call('GET', '/t/db'),
      await call('POST', '/t/write'),
      await call('GET', '/t/redis'), // needs only Redis, but the API-key guard reads Postgres
      await call('GET', '/t/db'),
    ];
    for (const a of answers) {
      expect(a).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
      expect(a.body.code).toBe('postgres.unavailable');
      expect(a.ms).toBeLessThan(1_000);
    }
    const ready = await call('GET', '/readyz', false);
    expect(ready.status).toBe(503);
    expect(ready.retryAfter).not.toBeNull();
    expect((await call('GET', '/healthz', false)).status).toBe(200); // liveness depends on nothing

    await pg.start();
    await until(async () => (await call('GET', '/t/db')).status === 200);
    expect((await call('POST', '/t/write')).status).toBe(201);
    expect((await call('GET', '/readyz', false)).status).toBe(200);
  }, 60_000);

  it('Redis stopped: writes that need it answer 503 + Retry-After in < 1 s, reads of Postgres still 200; back without a restart', async () => {
    await redis.stop();
    const write = await call('POST', '/t/write');
    expect(write).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
    expect(write.body.code).toBe('redis.unavailable');
    expect(write.ms).toBeLessThan(1_000);
    const cache = await call('GET', '/t/redis');
    expect(cache.status).toBe(503);
    expect(cache.ms).toBeLessThan(1_000);
    // the rate limiter and the key-usage job need Redis too: neither may fail a request
    const db = await call('GET', '/t/db');
    expect(db.status).toBe(200);
    expect(db.ms).toBeLessThan(1_000);
    expect((await call('GET', '/readyz', false)).status).toBe(503);

    await redis.start();
    await until(async () => (await call('POST', '/t/write')).status === 201);
    expect((await call('GET', '/t/redis')).status).toBe(200);
    await until(async () => (await call('GET', '/readyz', false)).status === 200);
  }, 60_000);
});
