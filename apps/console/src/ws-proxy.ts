import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** The subprotocol the console speaks; the key rides beside it as `frontier.key.<base64url(key)>`. */
export const WS_PROTOCOL = 'frontier.v1';
const KEY_PREFIX = 'frontier.key.';

/**
 * WebSockets through the console: a browser cannot set `Authorization` on a WebSocket, so the
 * page offers its key as a subprotocol; the console answers with `frontier.v1` only and opens the
 * upstream socket with `Authorization: Bearer <key>`, relaying frames and close codes both ways.
 * `/api/memory/v1/sync/ws?…` → `<memory-api>/v1/sync/ws?…`.
 */
export function attachWsProxy(server: Server, routes: Record<string, string>): void {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false) });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const prefix = Object.keys(routes).find((p) => req.url?.startsWith(`${p}/`));
    if (!prefix) return void socket.destroy();
    const base = new URL(routes[prefix] as string);
    const target = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${base.pathname.replace(/\/$/, '')}${(req.url ?? '').slice(prefix.length)}`;
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    const encoded = offered.find((p) => p.startsWith(KEY_PREFIX))?.slice(KEY_PREFIX.length);
    const key = encoded ? Buffer.from(encoded, 'base64url').toString('utf8') : undefined;
    wss.handleUpgrade(req, socket, head, (client) => relay(client, target, key));
  });
}

function relay(client: WebSocket, target: string, key: string | undefined): void {
  const upstream = new WebSocket(target, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  const pending: Array<[RawData, boolean]> = [];
  client.on('message', (data, binary) => (upstream.readyState === WebSocket.OPEN ? upstream.send(data, { binary }) : pending.push([data, binary])));
  upstream.on('open', () => {
    for (const [data, binary] of pending.splice(0)) upstream.send(data, { binary });
  });
  upstream.on('message', (data, binary) => client.readyState === WebSocket.OPEN && client.send(data, { binary }));
  const closeCode = (code: number) => (code >= 4000 || code === 1000 || code === 1001 || code === 1011 || code === 1013 ? code : 1011);
  upstream.on('close', (code, reason) => client.readyState <= WebSocket.OPEN && client.close(closeCode(code), reason));
  upstream.on('error', () => client.readyState <= WebSocket.OPEN && client.close(1011, 'upstream unreachable'));
  client.on('close', () => (upstream.readyState === WebSocket.CONNECTING ? upstream.terminate() : upstream.close()));
  client.on('error', () => upstream.terminate());
}
