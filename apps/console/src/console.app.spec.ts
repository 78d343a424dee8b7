import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { loadEnv } from '@frontier/platform-config';
import { WebSocket, WebSocketServer } from 'ws';
import { createConsoleApp } from './console.app';
import { ConsoleEnv } from './env';

const addr = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

describe('console server: static SPA, same-origin proxy, WebSocket relay (loopback upstreams stand in for the APIs)', () => {
  let upstream: Server;
  let wss: WebSocketServer;
  let app: INestApplication;
  let base: string;
  let seen: { method?: string; url?: string; headers?: IncomingHttpHeaders; body?: string; wsAuth?: string; wsProtocol?: string } = {};

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>spa</title>');
    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body };
        res.writeHead(req.url?.startsWith('/v1/missing') ? 404 : 200, { 'content-type': 'application/json', 'set-cookie': 'x=1', connection: 'keep-alive' });
        res.end(JSON.stringify({ ok: true }));
      });
    });
    wss = new WebSocketServer({ server: upstream });
    wss.on('connection', (ws, req) => {
      seen.wsAuth = req.headers.authorization;
      seen.wsProtocol = req.headers['sec-websocket-protocol'];
      ws.on('message', (m) => (String(m) === 'bye' ? ws.close(4401, 'invalid key') : ws.send(`echo ${String(m)}`)));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    app = await createConsoleApp(loadEnv(ConsoleEnv, { CONSOLE_STATIC_DIR: dir, MEMORY_API_URL: addr(upstream), GATEWAY_URL: 'http://127.0.0.1:9', RECSYS_API_URL: addr(upstream) }), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    wss.close();
    await new Promise((r) => upstream.close(r));
  });

  it('serves the SPA with a strict CSP on every non-API path', async () => {
    for (const path of ['/', '/anything/else']) {
      const r = await fetch(`${base}${path}`);
      expect(r.status).toBe(200);
      expect(await r.text()).toContain('<title>spa</title>');
      expect(r.headers.get('content-security-policy')).toContain("connect-src 'self'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok', service: 'console' });
  });

  it('proxies method, path, query, body and the caller’s key — nothing else — and passes the status back', async () => {
    const r = await fetch(`${base}/api/memory/v1/memories/search?user_id=a`, { method: 'POST', headers: { authorization: 'Bearer fk_test', 'content-type': 'application/json', cookie: 'session=secret' }, body: '{"query":"x"}' });
    expect(r.status).toBe(200);
    expect(seen).toMatchObject({ method: 'POST', url: '/v1/memories/search?user_id=a', body: '{"query":"x"}' });
    expect(seen.headers?.authorization).toBe('Bearer fk_test');
    expect(seen.headers?.cookie).toBeUndefined();
    expect((await fetch(`${base}/api/recsys/v1/missing`)).status).toBe(404);
  });

  it('answers 502 naming the upstream when an API is down', async () => {
    const r = await fetch(`${base}/api/gateway/v1/usage?group_by=day`);
    expect(r.status).toBe(502);
    expect(((await r.json()) as { message: string }).message).toMatch(/upstream 127\.0\.0\.1:9 unreachable/);
  });

  it('relays the sync WebSocket: the key offered as a subprotocol goes upstream as Authorization, frames and 4xxx closes come back', async () => {
    const key = Buffer.from('fk_live_key').toString('base64url');
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/memory/v1/sync/ws?user_id=a&device_id=d`, ['frontier.v1', `frontier.key.${key}`]);
    const echoed = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('hello'));
      ws.on('message', (m) => resolve(String(m)));
      ws.on('error', reject);
    });
    expect(ws.protocol).toBe('frontier.v1');
    expect(echoed).toBe('echo hello');
    expect(seen.wsAuth).toBe('Bearer fk_live_key');
    expect(seen.wsProtocol).toBeUndefined(); // the key never reaches the API as a subprotocol
    const closed = await new Promise<number>((resolve) => {
      ws.on('close', (code) => resolve(code));
      ws.send('bye');
    });
    expect(closed).toBe(4401);
  });
});
