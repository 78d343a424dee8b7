import { Body, Controller, Get, HttpCode, Module, Param, Post, Query, type INestApplication } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import request from 'supertest';
import { createHttpApp } from '../bootstrap';
import { BodyLimit, createValidationPipe, MaxTotalLength, SafeId, SafeInt, SafeString, SafeTime } from './index';

class Item {
  @SafeString({ max: 10 })
  text!: string;
}

class Dto {
  @SafeId()
  user_id!: string;

  @IsOptional()
  @SafeId({ max: 8, forbid: '#' })
  run_id?: string;

  @IsOptional()
  @SafeString({ max: 20, line: true, notBlank: true })
  name?: string;

  @IsOptional()
  @SafeString({ max: 5, each: true })
  tags?: string[];

  @IsOptional()
  @SafeTime({ kind: 'event' })
  at?: Date;

  @IsOptional()
  @SafeTime({ kind: 'bound', output: 'iso' })
  since?: string;

  @IsOptional()
  @SafeTime({ kind: 'event', seconds: true, integer: true, output: 'input' })
  timestamp?: number;

  @IsOptional()
  @SafeInt({ min: 1, max: 100 })
  limit?: number;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => Item)
  @MaxTotalLength('text', 12)
  items?: Item[];
}

@BodyLimit(64)
class LimitedDto {
  @SafeString({ max: 100 })
  s!: string;
}

class PageQuery {
  @IsOptional()
  @SafeInt({ min: 1, max: 10_000 })
  page?: number;

  @IsOptional()
  @SafeTime({ kind: 'bound' })
  since?: Date;
}

@Controller('v')
class ValidationController {
  @Post('dto')
  @HttpCode(200)
  dto(@Body() b: Dto) {
    return { ...b, at: b.at?.toISOString(), atIsDate: b.at instanceof Date, limitType: typeof b.limit };
  }

  @Get('things/:id')
  thing(@Param('id') id: string, @Query() q: PageQuery) {
    return { id, page: q.page, since: q.since?.toISOString() };
  }

  @Get('search')
  search(@Query('extra') extra: string) {
    return { extra };
  }

  @Post('small')
  @HttpCode(200)
  small(@Body() b: unknown) {
    return b;
  }

  @Post('big')
  @HttpCode(200)
  @BodyLimit(1024 * 1024)
  big(@Body() b: unknown) {
    return { keys: Object.keys(b as object).length };
  }

  @Post('dto-limited')
  @HttpCode(200)
  dtoLimited(@Query('x') _x: string, @Body() b: LimitedDto) {
    return b;
  }
}

@Controller('limited')
@BodyLimit(100)
class LimitedController {
  @Post()
  @HttpCode(200)
  post(@Body() b: unknown) {
    return b;
  }
}

@Module({ controllers: [ValidationController, LimitedController], providers: [{ provide: APP_PIPE, useFactory: createValidationPipe }] })
class TestModule {}

describe('platform validation over HTTP (decorators, params, JSON body reader)', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let url: string;
  const post = (body: unknown) => http.post('/v/dto').send(body as object);
  const fields = async (body: unknown) => (await post(body).expect(400)).body.fields as Record<string, string[]>;

  beforeAll(async () => {
    app = await createHttpApp(TestModule, { service: 'validation-test', logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    http = request(app.getHttpServer());
  }, 60_000);
  afterAll(() => app.close());

  it('strings and ids: a 400 naming the field (nested paths and array items included)', async () => {
    expect(await fields({ user_id: 'al\udc00ice' })).toEqual({ user_id: ['user_id must not contain lone UTF-16 surrogates (invalid Unicode)'] });
    expect(await fields({ user_id: 'alice\u200b' })).toEqual({ user_id: ['user_id must not contain whitespace, invisible characters or U+FFFD'] });
    expect(await fields({ user_id: 'a'.repeat(129) })).toEqual({ user_id: ['user_id must be at most 128 characters (got 129)'] });
    expect(await fields({ user_id: 7 })).toEqual({ user_id: ['user_id must be a string'] });
    expect(await fields({ user_id: 'a', run_id: 'r#1' })).toEqual({ run_id: ['run_id must not contain "#"'] });
    expect(await fields({ user_id: 'a', name: 'two\nlines' })).toEqual({ name: ['name must be one line without control characters'] });
    expect(await fields({ user_id: 'a', name: '   ' })).toEqual({ name: ['name must not be blank'] });
    expect(await fields({ user_id: 'a', tags: ['ok', 'toolong'] })).toEqual({ tags: ['tags item 1 must be at most 5 characters (got 7)'] });
    expect(await fields({ user_id: 'a', items: [{ text: '' }] })).toEqual({ 'items.0.text': ['text must not be empty'] });
    expect(await fields({ user_id: 'a', items: [{ text: '1234567890' }, { text: '123' }] })).toEqual({ items: ['items must hold at most 12 characters of text in all (got 13)'] });
    const ok = await post({ user_id: 'ünï-😀', name: 'שלום Caroline', tags: ['a', '😀'], items: [{ text: '0123456789' }] }).expect(200);
    expect(ok.body).toMatchObject({ user_id: 'ünï-😀', name: 'שלום Caroline' });
  });

  it('times: ISO strings become Dates (or canonical ISO), Unix seconds stay numbers; bounds and milliseconds refused', async () => {
    const ok = await post({ user_id: 'a', at: '2026-01-31T09:30:00+01:00', since: '2026-01-31', timestamp: 1_700_000_000 }).expect(200);
    expect(ok.body).toMatchObject({ at: '2026-01-31T08:30:00.000Z', atIsDate: true, since: '2026-01-31T00:00:00.000Z', timestamp: 1_700_000_000 });
    expect(await fields({ user_id: 'a', at: '0000-01-01' })).toEqual({ at: ['at must not be before 1970-01-01T00:00:00.000Z'] });
    expect(await fields({ user_id: 'a', at: '+275760-09-13T00:00:00.000Z' })).toEqual({ at: ['at must be an ISO 8601 date or date-time such as 2026-01-31 or 2026-01-31T09:30:00Z'] });
    expect(await fields({ user_id: 'a', at: 1_700_000_000_000 })).toEqual({ at: ['at must be an ISO 8601 date-time string such as 2026-01-31 or 2026-01-31T09:30:00Z'] });
    expect((await fields({ user_id: 'a', at: new Date(Date.now() + 3_600_000).toISOString() }))['at']?.[0]).toMatch(/^at must not be in the future/);
    expect(await fields({ user_id: 'a', since: '2026-02-30' })).toEqual({ since: ['since is not a real date or time (2026-02-30)'] });
    expect((await fields({ user_id: 'a', timestamp: 99_999_999_999 }))['timestamp']?.[0]).toMatch(/^timestamp must not be in the future/);
    expect(await fields({ user_id: 'a', timestamp: 1_700_000_000_000 })).toEqual({ timestamp: ['timestamp looks like milliseconds (1700000000000); Unix seconds are expected: divide by 1000'] });
    expect(await fields({ user_id: 'a', timestamp: 1.5 })).toEqual({ timestamp: ['timestamp must be an integer number of Unix seconds'] });
    expect(await fields({ user_id: 'a', timestamp: true })).toEqual({ timestamp: ['timestamp must be an ISO 8601 date-time string or Unix seconds'] });
  });

  it('integers: JSON numbers and digit-only query strings; 1e20, 0x10, 1.0 and blanks refused', async () => {
    expect((await post({ user_id: 'a', limit: 7 }).expect(200)).body.limit).toBe(7);
    expect(await fields({ user_id: 'a', limit: 1e20 })).toEqual({ limit: ['limit must be an integer from 1 to 100'] });
    expect(await fields({ user_id: 'a', limit: -0 })).toEqual({ limit: ['limit must be an integer from 1 to 100'] });
    expect((await http.get('/v/things/abc').query({ page: '42' }).expect(200)).body).toEqual({ id: 'abc', page: 42 });
    for (const page of ['1e20', '1e2', '0x10', '1.0', ' 1', '', '10001', '0', '-1', '99999999999999999999']) {
      const r = await http.get('/v/things/abc').query({ page }).expect(400);
      expect([page, r.body.fields]).toEqual([page, { page: ['page must be an integer from 1 to 10000'] }]);
    }
    expect((await http.get('/v/things/abc').query({ since: '0000-01-01' }).expect(400)).body.fields).toEqual({ since: ['since must not be before 1970-01-01T00:00:00.000Z'] });
  });

  it('path parameters and single query values: NUL, surrogates (as sent or mis-encoded) and controls are a 400 naming them', async () => {
    expect((await http.get('/v/things/a%00b').expect(400)).body.fields).toEqual({ id: ['id must not contain NUL bytes (\\u0000)'] });
    expect((await http.get('/v/things/a%20b').expect(400)).body.fields).toEqual({ id: ['id must not contain whitespace, invisible characters or U+FFFD'] });
    expect((await http.get('/v/things/a%1Bb').expect(400)).body.fields).toEqual({ id: ['id must not contain control characters'] });
    // a lone surrogate cannot be percent-encoded as UTF-8: Express refuses to decode it, still a 4xx
    expect((await http.get('/v/things/al%ED%B3%80ice')).status).toBe(400);
    expect((await http.get('/v/things/' + 'x'.repeat(513)).expect(400)).body.fields.id).toEqual(['id must be at most 512 characters (got 513)']);
    expect((await http.get('/v/search?extra=a%00').expect(400)).body.fields).toEqual({ extra: ['extra must not contain NUL bytes (\\u0000)'] });
    // mis-encoded query bytes decode to U+FFFD: fine in free text, refused in a DTO's id field
    expect((await http.get('/v/search?extra=caf%E9').expect(200)).body.extra).toBe('caf\ufffd');
    expect((await http.get('/v/things/abc').query({ page: '1', unknown: 'x' }).expect(400)).body.fields).toEqual({ unknown: ['property unknown should not exist'] });
  });

  it('body: the route limit in the 413 (declared length or streamed), the default elsewhere, and at the limit exactly it passes', async () => {
    const r = await http.post('/limited').set('content-type', 'application/json').send(JSON.stringify({ a: 'x'.repeat(100) })).expect(413);
    expect(r.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: ['request body exceeds 100 bytes (limit of POST /limited)'] });
    const exact = JSON.stringify({ a: 'x'.repeat(92) });
    expect(exact.length).toBe(100);
    await http.post('/limited').set('content-type', 'application/json').send(exact).expect(200);
    const def = await http.post('/v/small').send({ a: 'x'.repeat(256 * 1024) }).expect(413);
    expect(def.body.message).toEqual(['request body exceeds 256 KiB (limit of POST /v/small)']);
    expect((await http.post('/v/big').send({ a: 'x'.repeat(512 * 1024), b: 1 }).expect(200)).body).toEqual({ keys: 2 });
    // a limit declared on the @Body() DTO class applies to every route that takes it
    await http.post('/v/dto-limited').send({ s: 'x'.repeat(50) }).expect(200);
    expect((await http.post('/v/dto-limited').send({ s: 'x'.repeat(60) }).expect(413)).body.message).toEqual(['request body exceeds 64 bytes (limit of POST /v/dto-limited)']);
    // chunked, no Content-Length: counted while reading, the rest drained, then the 413
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.post('/limited').set('content-type', 'application/json').set('transfer-encoding', 'chunked');
      req.write('{"a":"');
      req.write('y'.repeat(500));
      req.write('"}');
      req.end((err, res) => (err && !res ? reject(err) : resolve({ status: res.status, body: res.text })));
    });
    expect(chunked.status).toBe(413);
    expect(chunked.body).toContain('request body exceeds 100 bytes (limit of POST /limited)');
  });

  it('body: JSON only, UTF-8 only, a JSON object or array; empty is {}', async () => {
    expect((await http.post('/v/small').set('content-type', 'text/plain').send('hi').expect(415)).body.message).toEqual(['request body must be JSON (Content-Type: application/json), not text/plain']);
    expect((await http.post('/v/small').set('content-type', 'application/json; charset=latin1').send('{}').expect(415)).body.message).toEqual(['request body must be UTF-8, not latin1']);
    expect((await http.post('/v/small').set('content-type', 'application/json').set('content-encoding', 'gzip').send('{}').expect(415)).body.message).toEqual(['Content-Encoding gzip is not supported']);
    const bytes = await fetch(`${url}/v/small`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"a":"\xc3(\xff"}', 'latin1') });
    expect([bytes.status, ((await bytes.json()) as { fields: unknown }).fields]).toEqual([400, { body: ['body is not valid UTF-8'] }]);
    expect((await http.post('/v/small').set('content-type', 'application/json').send('{"a":').expect(400)).body.fields.body[0]).toMatch(/^body is not valid JSON/);
    expect((await http.post('/v/small').set('content-type', 'application/json').send('"str"').expect(400)).body.fields).toEqual({ body: ['body must be a JSON object or array'] });
    expect((await http.post('/v/small').set('content-type', 'application/vnd.api+json').send('{"a":1}').expect(200)).body).toEqual({ a: 1 });
    expect((await http.post('/v/small').set('content-type', 'application/json').send('\ufeff{"b":2}').expect(200)).body).toEqual({ b: 2 });
    expect((await http.post('/v/small').set('content-type', 'application/json').send(' ').expect(200)).body).toEqual({});
  });

  it('body: deep nesting and unstorable strings anywhere (keys included) are a 400 naming the path, before any DTO walks it', async () => {
    const arrays = '['.repeat(50_000) + ']'.repeat(50_000);
    const a = await http.post('/v/big').set('content-type', 'application/json').send(arrays).expect(400);
    expect(a.body.message).toEqual([`${Array(32).fill('0').join('.')} nests deeper than 32 levels`]);
    const objects = '{"a":'.repeat(3_000) + '1' + '}'.repeat(3_000);
    const o = await http.post('/v/dto').set('content-type', 'application/json').send(objects).expect(400);
    expect(Object.keys(o.body.fields)).toEqual([Array(32).fill('a').join('.')]);
    expect((await http.post('/v/small').send({ ok: 1, meta: { deep: ['a\u0000'] } }).expect(400)).body.fields).toEqual({ 'meta.deep.0': ['meta.deep.0 must not contain NUL bytes (\\u0000)'] });
    expect((await http.post('/v/small').send({ ['k\udc00']: 1 }).expect(400)).body.fields).toEqual({ body: ['body has a key that must not contain lone UTF-16 surrogates (invalid Unicode)'] });
    // 32 levels exactly are fine
    const ok32 = JSON.parse('['.repeat(32) + ']'.repeat(32)) as unknown;
    await http.post('/v/small').send(ok32 as object).expect(200);
  });
});
