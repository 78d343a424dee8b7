import type { Response } from 'supertest';
import { startMemoryApi, type InputHarness } from './input.spec-helper';

// Issue 10, items 5, 8 and 9, each case as the issue reproduced it, over HTTP on real Postgres/Redis.
const UUID = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
const turn = (content: string, extra: object = {}) => ({ role: 'user', content, ...extra });
const session = (over: object = {}) => ({ user_id: 'alice', session_id: 's-1', turns: [turn('I live in Lisbon.')], ...over });
const nested = (open: string, close: string, inner: string, n: number) => open.repeat(n) + inner + close.repeat(n);

describe('memory-api input limits (issue 10, items 5, 8, 9: real Postgres and Redis)', () => {
  let h: InputHarness;
  let before: Record<string, number>;

  beforeAll(async () => {
    h = await startMemoryApi('memory_input');
    before = await h.counts();
  }, 180_000);
  afterAll(() => h.close());

  /** A 400 whose `fields` name `field` (and whose message says it). */
  const refused = (r: Response, field: string) => {
    expect([r.status, Object.keys(r.body.fields ?? {})]).toEqual([400, [field]]);
    expect(r.body.message.join(' ')).toContain(field);
  };
  const post = (path: string, body: unknown) => h.http.post(path).set(h.auth).send(body as object);

  it('NUL bytes and lone surrogates in any string are a 400 naming the field (ids no longer collapse into one user)', async () => {
    refused(await post('/v1/sessions', session({ user_id: 'al\udc00ice' })), 'user_id');
    refused(await post('/v1/sessions', session({ user_id: 'al\udc01ice' })), 'user_id');
    refused(await post('/v1/sessions', session({ session_id: 's\u0000' })), 'session_id');
    refused(await post('/v1/sessions', session({ turns: [turn('a\u0000b')] })), 'turns.0.content');
    refused(await post('/v1/sessions', session({ turns: [turn('ok', { speaker: 'Ca\ud800roline' })] })), 'turns.0.speaker');
    refused(await post('/v1/sessions', session({ turns: [turn('ok', { id: 'D1 3' })] })), 'turns.0.id');
    refused(await post('/v1/memories/search', { user_id: 'alice', query: 'where\u0000' }), 'query');
    refused(await post('/v1/memories/search', { user_id: 'alice', query: 'x', recent_turns: ['fine', 'a\udfff'] }), 'recent_turns.1');
    refused(await h.http.patch(`/v1/memories/${UUID}`).set(h.auth).send({ user_id: 'alice', text: 'My daughter is 8\u0000' }), 'text');
    refused(await h.http.get('/v1/memories').query('user_id=al%00ice').set(h.auth), 'user_id');
    refused(await h.http.get('/v1/memories').query('user_id=al%ED%B3%80ice').set(h.auth), 'user_id'); // mis-encoded: U+FFFD
    refused(await h.http.get('/v1/memories/%00').query({ user_id: 'alice' }).set(h.auth), 'id');
    refused(await h.http.get('/v1/sessions/s%00').query({ user_id: 'alice' }).set(h.auth), 'sessionId');
    refused(await h.http.delete('/v1/sessions/s%0A1/memories').query({ user_id: 'alice' }).set(h.auth), 'sessionId');
    refused(await post('/mem0/v3/memories/add', { user_id: 'alice', messages: [{ role: 'user', content: 'I am vegan\u0000' }] }), 'messages.0.content');
    refused(await post('/mem0/v3/memories/add', { user_id: 'al\udc00ice', messages: [{ role: 'user', content: 'I am vegan' }] }), 'user_id');
    refused(await post('/mem0/v3/memories/search', { query: 'x', filters: { user_id: 'al\udc00ice' } }), 'filters.user_id');
    refused(await post('/mem0/v3/memories/search', { query: 'x', filters: { AND: [{ user_id: 'alice\u200b' }] } }), 'filters.AND.0.user_id');
    refused(await h.http.put('/mem0/v1/batch').set(h.auth).send({ memories: [{ memory_id: UUID, text: 'x\u0000' }] }), 'memories.0.text');
    expect(await h.counts()).toEqual(before);
  });

  it('times: dates Postgres cannot store, the future and milliseconds are a 400 (item 5: timestamp 99999999999 no longer pins a fact)', async () => {
    refused(await post('/v1/sessions', session({ started_at: '0000-01-01' })), 'started_at');
    refused(await post('/v1/sessions', session({ started_at: '+275760-09-13T00:00:00.000Z' })), 'started_at');
    refused(await post('/v1/sessions', session({ turns: [turn('x', { at: '-271821-04-20T00:00:00Z' })] })), 'turns.0.at');
    refused(await post('/v1/sessions', session({ turns: [turn('x', { at: new Date(Date.now() + 86_400_000).toISOString() })] })), 'turns.0.at');
    refused(await post('/v1/sessions', session({ started_at: 1_700_000_000_000 })), 'started_at');
    refused(await h.http.get('/v1/memories').query({ user_id: 'alice', since: '0000-01-01' }).set(h.auth), 'since');
    refused(await h.http.get('/v1/memories').query({ user_id: 'alice', until: '2026-02-30' }).set(h.auth), 'until');
    const add = (timestamp: number | string) => post('/mem0/v3/memories/add', { user_id: 'alice', messages: [{ role: 'user', content: 'I live in Berlin' }], timestamp });
    // Mem0's timestamp is Unix seconds: a date string is a 400 (it was an Invalid Date and a 500, found by the fuzz)
    refused(await add(new Date(Date.now() - 60_000).toISOString()), 'timestamp');
    const pinned = await add(99_999_999_999);
    refused(pinned, 'timestamp');
    expect(pinned.body.message[0]).toMatch(/^timestamp must not be in the future/);
    const millis = await add(1_700_000_000_000);
    expect(millis.body.fields).toEqual({ timestamp: ['timestamp looks like milliseconds (1700000000000); Unix seconds are expected: divide by 1000'] });
    refused(await post('/mem0/v3/memories', { filters: { user_id: 'alice' }, start_date: '0000-01-01' }), 'start_date');
    refused(await post('/mem0/v3/memories', { filters: { user_id: 'alice', created_at: { gte: 1_700_000_000_000 } } }), 'filters.created_at.gte');
    refused(await post('/mem0/v3/memories', { filters: { user_id: 'alice', created_at: { lte: '+275760-09-13' } } }), 'filters.created_at.lte');
    expect(await h.counts()).toEqual(before);
  });

  it('numbers: page=1e20 and other non-integers are a 400, not a 500', async () => {
    for (const page of ['1e20', '100000000000000000000', '1.5', '0x10', '']) refused(await h.http.get('/v1/memories').query({ user_id: 'alice', page }).set(h.auth), 'page');
    refused(await h.http.get('/v1/memories').query({ user_id: 'alice', page_size: '501' }).set(h.auth), 'page_size');
    refused(await h.http.post('/mem0/v3/memories').query({ page: '1e20' }).set(h.auth).send({ filters: { user_id: 'alice' } }), 'page');
    await h.http.get('/v1/memories').query({ user_id: 'alice', page: '10000', page_size: '500' }).set(h.auth).expect(200);
  });

  it('deep JSON (50k nested arrays, a 3k-deep object, a 5,000-deep Mem0 AND filter) is a 400 naming where, not a stack overflow', async () => {
    const send = (path: string, text: string) => h.http.post(path).set(h.auth).set('content-type', 'application/json').send(text);
    const arrays = await send('/v1/sessions', `{"user_id":"alice","session_id":"s","turns":${nested('[', ']', '', 50_000)}}`);
    refused(arrays, `turns.${Array(31).fill('0').join('.')}`);
    const object = await send('/v1/memories/search', `{"user_id":"alice","query":"x","types":${nested('{"a":', '}', '1', 3_000)}}`);
    refused(object, `types.${Array(31).fill('a').join('.')}`);
    const and = await send('/mem0/v3/memories/search', `{"query":"x","filters":${nested('{"AND":[', ']}', '{"user_id":"alice"}', 5_000)}}`);
    expect(and.status).toBe(400);
    expect(Object.keys(and.body.fields)[0]).toMatch(/^filters\.AND\.0\.AND/);
    // within the body's 32 levels the filter parser bounds its own AND nesting, naming filters
    const and12 = await send('/mem0/v3/memories/search', `{"query":"x","filters":${nested('{"AND":[', ']}', '{"user_id":"alice"}', 12)}}`);
    expect([and12.status, Object.keys(and12.body.fields)]).toEqual([400, ['filters']]);
    expect(await h.counts()).toEqual(before);
  });

  it('body size: a normal 60-turn session (146 kB) is accepted; the limit agrees with validation and the 413 says it', async () => {
    const said = 'I moved to Lisbon last spring and I am still learning Portuguese, slowly. '.repeat(34).slice(0, 2_430);
    const sixty = session({ session_id: 'sixty', turns: Array.from({ length: 60 }, (_, i) => turn(said, { id: `D1:${i}`, speaker: 'Caroline' })) });
    expect(JSON.stringify(sixty).length).toBeGreaterThan(146_000);
    await post('/v1/sessions', sixty).expect(202);

    // the largest session validation accepts, every character \u-escaped (6 bytes, as Python's
    // json.dumps sends non-ASCII), still fits the route's limit and is accepted
    const esc = (n: number) => '\\u00e9'.repeat(n);
    const maxTurn = (i: number) => `{"id":"${esc(60)}${String(i).padStart(4, '0')}","role":"assistant","content":"${esc(400)}","speaker":"${esc(128)}","at":"2026-01-31T09:30:15.123456789+05:30"}`;
    const biggest = `{"user_id":"${esc(128)}","session_id":"${esc(128)}","agent_id":"${esc(128)}","started_at":"2026-01-31T09:30:15.123456789+05:30","turns":[${Array.from({ length: 1_000 }, (_, i) => maxTurn(i)).join(',')}]}`;
    expect(Buffer.byteLength(biggest)).toBeLessThanOrEqual(4 * 1024 * 1024);
    await h.http.post('/v1/sessions').set(h.auth).set('content-type', 'application/json').send(biggest).expect(202);

    // one turn or one character more is a 400 from validation (the body is still under the limit)
    const countsNow = await h.counts();
    refused(await post('/v1/sessions', session({ session_id: 'too-many', turns: Array.from({ length: 1_001 }, () => turn('x')) })), 'turns');
    refused(await post('/v1/sessions', session({ session_id: 'too-long', turns: Array.from({ length: 21 }, () => turn('x'.repeat(19_999))) })), 'turns');
    // beyond the limit: a 413 naming the limit and the route
    const huge = await post('/v1/sessions', session({ session_id: 'huge', turns: Array.from({ length: 300 }, () => turn('x'.repeat(15_000))) })).expect(413);
    expect(huge.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: ['request body exceeds 4 MiB (limit of POST /v1/sessions)'] });
    const search = await post('/v1/memories/search', { user_id: 'alice', query: 'x'.repeat(1_100_000) }).expect(413);
    expect(search.body.message).toEqual(['request body exceeds 1 MiB (limit of POST /v1/memories/search)']);
    expect(await h.counts()).toEqual(countsNow);
  }, 60_000);

  it('every route admits the largest compact body its DTO accepts (all escaped): a 400 for the one bad field, never a 413', async () => {
    const esc = (n: number) => '"' + '\\u00e9'.repeat(n) + '"';
    const escUuid = '"' + [...UUID].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('') + '"';
    const cases: Array<[string, 'post' | 'put' | 'delete', string, number, string]> = [
      // [route, method, body, limit, the field made invalid]
      ['/v1/memories/search', 'post', `{"user_id":${esc(128)},"query":${esc(8_000)},"recent_turns":[${Array(20).fill(esc(8_000)).join(',')}],"limit":100,"types":["preference","work","health","plan","mood","context","location","biography","relationship"],"threshold":0.5,"x":1}`, 1 * 1024 * 1024, 'x'],
      ['/mem0/v3/memories/add', 'post', `{"user_id":${esc(128)},"agent_id":${esc(128)},"run_id":${esc(90)},"timestamp":1700000000,"infer":false,"messages":[${Array.from({ length: 1_000 }, (_, i) => `{"role":"${i === 999 ? 'robot' : 'assistant'}","content":${esc(400)},"name":${esc(128)}}`).join(',')}]}`, 4 * 1024 * 1024, 'messages.999.role'],
      ['/mem0/v1/batch', 'put', `{"memories":[${Array.from({ length: 1_000 }, (_, i) => `{"memory_id":${i === 999 ? '"nope"' : escUuid},"text":${esc(200)}}`).join(',')}]}`, 2 * 1024 * 1024, 'memories.999.memory_id'],
      ['/mem0/v1/batch', 'delete', `{"memories":[${Array.from({ length: 1_000 }, (_, i) => `{"memory_id":${i === 999 ? '"nope"' : escUuid}}`).join(',')}]}`, 256 * 1024, 'memories.999.memory_id'],
    ];
    for (const [route, method, body, limit, field] of cases) {
      expect([route, Buffer.byteLength(body) <= limit]).toEqual([route, true]);
      refused(await h.http[method](route).set(h.auth).set('content-type', 'application/json').send(body), field);
    }
  }, 60_000);
});
