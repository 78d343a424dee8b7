import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Request headers passed upstream: the caller's own key and the body's type, nothing of the console's. */
const FORWARD_REQUEST = ['authorization', 'content-type', 'content-length', 'accept', 'x-request-id'];
/** Response headers passed back (hop-by-hop ones dropped). */
const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'proxy-connection', 'te', 'trailer']);

/**
 * A streaming reverse proxy to one public API: `/api/<name>/v1/...` → `<base>/v1/...`. The browser
 * sends its user's key; the console adds no credential of its own, so what the page can do is
 * exactly what that key may do on the API. Streaming both ways (exports, SSE) with no buffering.
 */
export function proxyTo(base: string) {
  const target = new URL(base);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = `${target.pathname.replace(/\/$/, '')}${req.url ?? '/'}`;
    const headers: Record<string, string> = {};
    for (const h of FORWARD_REQUEST) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const upstream = send({ protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path, headers }, (up) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !DROP_RESPONSE.has(k)) out[k] = v;
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
    });
    upstream.on('error', (e) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 502, error: 'Bad Gateway', message: `upstream ${target.host} unreachable: ${e.message}` }));
    });
    req.on('aborted', () => upstream.destroy());
    req.pipe(upstream);
  };
}
