import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayConnection, type OnGatewayDisconnect } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { credential, TenancyService } from '@frontier/platform-nest';
import { isDeviceId, SyncHub, type SyncConnection } from '@frontier/memory-nest';
import { SERVER_DEVICE } from '@frontier/memory-data-access';
import { idProblem } from '@frontier/platform-util';

/** WebSocket close codes of the sync gateway (4000-4999: the application's). */
export const SYNC_CLOSE = { badRequest: 4400, unauthorized: 4401, forbidden: 4403 } as const;

/** Per socket: its connection once authenticated (a `hello` sent right after opening waits for it). */
const connections = new WeakMap<WebSocket, Promise<SyncConnection | undefined>>();

/**
 * Live sync: `ws(s)://host/v1/sync/ws?user_id=…&device_id=…` with the same API key as HTTP
 * (`Authorization: Bearer …` or `x-api-key`, scope memory:read). The device sends
 * `{"event":"hello","data":{"since":"<vector>"}}`; it gets `delta` pages (what it missed),
 * `ready`, then a `change` for every change of the user made anywhere (any replica, through
 * Redis), each once, with the vector to keep.
 */
@WebSocketGateway({ path: '/v1/sync/ws' })
export class SyncGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly log = new Logger('SyncGateway');

  constructor(
    private readonly tenancy: TenancyService,
    private readonly hub: SyncHub,
  ) {}

  handleConnection(socket: WebSocket, req: IncomingMessage): void {
    connections.set(
      socket,
      this.connect(socket, req).catch((e: unknown) => {
        this.log.warn(`sync connection refused: ${e instanceof Error ? e.message : String(e)}`);
        socket.close(1013, 'try again later');
        return undefined;
      }),
    );
  }

  private async connect(socket: WebSocket, req: IncomingMessage): Promise<SyncConnection | undefined> {
    const refuse = (code: number, reason: string): undefined => {
      socket.close(code, reason);
      return undefined;
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    const userId = url.searchParams.get('user_id');
    const deviceId = url.searchParams.get('device_id');
    const given = credential(req);
    if (!given) return refuse(SYNC_CLOSE.unauthorized, 'missing credentials: Authorization: Bearer <api key> or x-api-key');
    const principal = await this.tenancy.authenticate(given);
    if (!principal) return refuse(SYNC_CLOSE.unauthorized, 'invalid or revoked API key');
    if (!this.tenancy.can(principal, ['memory:read'])) return refuse(SYNC_CLOSE.forbidden, 'this API key lacks scope(s): memory:read');
    if (!userId || idProblem(userId)) return refuse(SYNC_CLOSE.badRequest, `user_id: ${userId ? idProblem(userId) : 'required'}`);
    if (!isDeviceId(deviceId) || deviceId === SERVER_DEVICE) return refuse(SYNC_CLOSE.badRequest, 'device_id: required, 1-64 letters, digits, ".", "_" or "-" (not "server")');
    const peer = {
      send: (event: string, data: unknown) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ event, data }));
      },
      close: (code: number, reason: string) => socket.close(code, reason),
    };
    const conn = await this.hub.attach(peer, { tenantId: principal.tenantId, userId }, deviceId);
    if (socket.readyState !== socket.OPEN) {
      this.hub.detach(conn);
      return undefined;
    }
    peer.send('connected', { user_id: userId, device_id: deviceId });
    return conn;
  }

  async handleDisconnect(socket: WebSocket): Promise<void> {
    const conn = await connections.get(socket);
    if (conn) this.hub.detach(conn);
  }

  /** `{"event":"hello","data":{"since":"phone:3,server:9"}}`: catch up from that vector, then live pushes. */
  @SubscribeMessage('hello')
  async hello(@ConnectedSocket() socket: WebSocket, @MessageBody() data: unknown): Promise<void> {
    const conn = await connections.get(socket);
    if (!conn) return;
    const since = data && typeof data === 'object' && 'since' in data ? (data as { since: unknown }).since : undefined;
    if (since !== undefined && typeof since !== 'string') return conn.peer.send('error', { field: 'since', message: 'since must be a string' });
    this.log.debug(`hello from ${conn.deviceId}`);
    this.hub.hello(conn, since);
  }
}
