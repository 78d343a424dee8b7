import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsInt, IsString, Max, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@frontier/platform-testing';
import { createHttpApp } from './bootstrap';
import { Public, RequireScopes } from './auth/public.decorator';
import { PinoLogger } from './logging/logger';
import { PlatformModule } from './platform.module';
import { TenancyService } from './auth/tenancy.service';

class Inner {
  @IsInt()
  @Max(10)
  n!: number;
}
class Outer {
  @IsString()
  label!: string;
  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;
}

@Controller('t')
class TestController {
  @Public()
  @Post('echo')
  echo(@Body() body: Outer) {
    return body;
  }

  @RequireScopes('memory:write')
  @Get('write')
  write() {
    return { ok: true };
  }
}

describe('PlatformModule wiring (real Postgres + Redis)', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  const lines: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('nest');
    redis = await createTestRedis('nest');
  });
  afterAll(async () => {
    await redis.cleanup();
    await db.drop();
  });

  it('validates nested bodies naming the path, enforces scopes, logs JSON without secrets, and 503s when Redis is down', async () => {
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const logger = new PinoLogger('nest-test', 'info', sink);
    @Module({
      imports: [PlatformModule.forHttp({ service: 'nest-test', databaseUrl: db.url, redisUrl: redis.url, redisPrefix: redis.prefix })],
      controllers: [TestController],
    })
    class AppModule {}
    const app = await createHttpApp(AppModule, { service: 'nest-test', logger });
    await app.init();
    const http = request(app.getHttpServer());

    const bad = await http.post('/t/echo').send({ label: 3, inner: { n: 11 } }).expect(400);
    expect(bad.body.fields).toEqual({ label: ['label must be a string'], 'inner.n': ['n must not be greater than 10'] });
    expect(bad.body.message).toEqual(['label must be a string', 'inner.n: n must not be greater than 10']);
    await http.post('/t/echo').send({ label: 'x', inner: { n: 2 } }).expect(201, { label: 'x', inner: { n: 2 } });

    const tenancy = app.get(TenancyService);
    const tenant = await tenancy.createTenant('scoped');
    const readOnly = await tenancy.issueKey(tenant.id, 'ro', ['memory:read']);
    const writer = await tenancy.issueKey(tenant.id, 'rw', ['memory:*']);
    const denied = await http.get('/t/write').set('x-api-key', readOnly.key).expect(403);
    expect(denied.body.message).toBe('this API key lacks scope(s): memory:write');
    await http.get('/t/write').set('x-api-key', writer.key).expect(200);

    const logged = lines.join('');
    expect(logged).toContain('"service":"nest-test"');
    expect(logged).toContain('"url":"/t/write"');
    expect(logged).not.toContain(writer.key);

    // readiness really pings: with Redis gone it answers 503 naming redis
    const redisClient = app.get<import('ioredis').Redis>(Symbol.for('frontier:redis'));
    redisClient.disconnect();
    const notReady = await http.get('/readyz').expect(503);
    expect(notReady.body.checks.postgres.status).toBe('up');
    expect(notReady.body.checks.redis).toMatchObject({ status: 'down', error: expect.stringMatching(/closed|connection|writeable/i) });
    await app.close();
  });
});
