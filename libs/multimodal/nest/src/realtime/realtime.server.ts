/**
 * `GET /v1/realtime?model=…` upgraded to a WebSocket: on the gateway's own HTTP server (ws://), and,
 * when a certificate is configured, on a TLS listener (wss://) — the official `openai` SDK's
 * realtime client always dials wss://. The key comes as `Authorization: Bearer …` (what the SDK
 * sends), checked like every route's (scope multimodal:write); each connection is a
 * {@link RealtimeSession}, whose responses are admitted and billed under the key ({@link createRealtimeMeter}).
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ChatModel, SpeechRecognizer } from '@frontier/ml-ports';
import type { ModelRegistry } from '@frontier/ml-registry';
import { TenancyService } from '@frontier/platform-nest';
import { SPEECH_MODELS } from '../chat/media-pipeline.module';
import { GATEWAY_LIMITS } from '../chat/chat.service';
import { BILLING_PORT, GATEWAY_MODELS, LIMITS_PORT, PLANNER_PORT, UPSTREAM_MODEL, type BillingPort, type GatewayModel, type LimitsPort, type PlannerPort } from '../chat/ports';
import type { GatewayLimits } from '../chat/prepare';
import { RejectionsService } from '../spend/rejections.service';
import { createRealtimeMeter } from './realtime.meter';
import { RealtimeSession } from './realtime.session';

export interface RealtimeConfig {
  /** A TLS listener for wss:// (PEM certificate and key); port 0 picks a free one. */
  tls?: { cert: string; key: string; port: number; host?: string };
  /** false: each turn's segment is transcribed at its end (the per-turn baseline) even when the recogniser can stream. Default true. */
  streamingAsr?: boolean;
}

export const REALTIME_CONFIG = Symbol('REALTIME_CONFIG');
export const REALTIME_PATH = '/v1/realtime';

@Injectable()
export class RealtimeServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Realtime');
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  private tls: HttpsServer | null = null;
  /** Open sessions: each may hold a resident recogniser process, closed with the socket or at shutdown. */
  private readonly sessions = new Set<RealtimeSession>();

  constructor(
    private readonly http: HttpAdapterHost,
    private readonly tenancy: TenancyService,
    @Inject(SPEECH_MODELS) private readonly speech: ModelRegistry | null,
    @Inject(UPSTREAM_MODEL) private readonly upstream: ChatModel,
    @Inject(GATEWAY_MODELS) private readonly models: GatewayModel[],
    @Inject(REALTIME_CONFIG) private readonly config: RealtimeConfig,
    @Inject(LIMITS_PORT) private readonly quota: LimitsPort,
    @Inject(BILLING_PORT) private readonly billing: BillingPort,
    @Inject(PLANNER_PORT) private readonly planner: PlannerPort,
    @Inject(GATEWAY_LIMITS) private readonly limits: GatewayLimits,
    @Optional() @Inject(RejectionsService) private readonly rejections: RejectionsService | null = null,
  ) {}

  /** How many sessions are open (tests: none left after the sockets close). */
  get openSessions(): number {
    return this.sessions.size;
  }

  /** The wss:// listener's port (null when none is configured). */
  get tlsPort(): number | null {
    return this.tls ? (this.tls.address() as AddressInfo).port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = this.http.httpAdapter?.getHttpServer() as Server | undefined;
    server?.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(req, socket, head));
    if (this.config.tls) {
      this.tls = createHttpsServer({ cert: this.config.tls.cert, key: this.config.tls.key }, (_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('use a WebSocket'));
      this.tls.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(req, socket, head));
      const tls = this.tls;
      await new Promise<void>((r) => tls.listen(this.config.tls?.port ?? 0, this.config.tls?.host ?? '127.0.0.1', r));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const s of this.sessions) s.close(); // no recogniser process outlives the app
    this.sessions.clear();
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    const tls = this.tls;
    if (tls) await new Promise((r) => tls.close(r));
  }

  private refuse(socket: Socket, status: number, message: string): void {
    const body = JSON.stringify({ error: { type: status === 401 ? 'invalid_request_error' : 'invalid_request_error', code: status === 401 ? 'invalid_api_key' : 'bad_request', message } });
    socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== REALTIME_PATH) return; // another upgrade handler's (or none: the socket times out)
    void (async () => {
      const key = /^Bearer\s+(.+)$/i.exec(req.headers['authorization'] ?? '')?.[1];
      const principal = key ? await this.tenancy.authenticate(key).catch(() => null) : null;
      if (!principal || !(principal.scopes.includes('multimodal:*') || principal.scopes.includes('multimodal:write') || principal.scopes.includes('*'))) return this.refuse(socket, 401, 'A valid API key with scope multimodal:write is required');
      const modelName = url.searchParams.get('model') ?? '';
      const model = this.models.find((m) => m.id === modelName);
      if (!model) return this.refuse(socket, 404, `The model \`${modelName}\` does not exist`);
      if (!this.speech) return this.refuse(socket, 400, 'Realtime audio needs transcription (GATEWAY_ASR=true)');
      const [vad, asr] = await Promise.all([this.speech.get('vad'), this.speech.get('asr')]);
      this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        const session = new RealtimeSession({
          vad,
          asr: this.config.streamingAsr === false ? perTurn(asr) : asr,
          upstream: this.upstream,
          upstreamModel: model.upstreamModel,
          model: model.id,
          send: (e) => {
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(e));
          },
          log: (m) => this.log.warn(m),
          // each response admitted against the key's limits and billed like a chat completion
          meter: createRealtimeMeter({ quota: this.quota, billing: this.billing, planner: this.planner, rejections: this.rejections, defaultMaxTokens: this.limits.defaultMaxTokens, log: (m) => this.log.warn(m) }, principal, model),
        });
        ws.on('message', (data, isBinary) => (isBinary ? undefined : session.receive(data.toString())));
        this.sessions.add(session);
        ws.on('close', () => {
          this.sessions.delete(session);
          session.close();
        });
      });
    })().catch((e: unknown) => {
      this.log.warn(`realtime upgrade failed: ${String(e)}`);
      socket.destroy();
    });
  }
}

/** The recogniser without its streaming capability: the session falls back to transcribe() per turn. */
function perTurn(asr: SpeechRecognizer): SpeechRecognizer {
  return { modelId: asr.modelId, adapter: asr.adapter, transcribe: (audio, options) => asr.transcribe(audio, options) };
}
