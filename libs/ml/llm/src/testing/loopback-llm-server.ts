/**
 * LOOPBACK LLM SERVER — a test double for tests and the demo only, never a model. It listens on
 * 127.0.0.1 (port 0) and speaks vLLM's OpenAI-compatible wire format byte for byte (`/v1/models`,
 * `/v1/chat/completions` streaming and not), with deterministic tokens, a usage chunk, per-token
 * delays and injectable failures, so the real client is exercised over real HTTP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countLoopbackPromptTokens, fnv1a, generatedTokens, tokenizeScripted, type LoopbackMessage } from './loopback-tokens';
import {
  completion,
  contentChunk,
  errorBody,
  errorTypeFor,
  modelsList,
  roleChunk,
  sse,
  toolCallArgsChunk,
  toolCallCompletion,
  toolCallsFinishChunk,
  toolCallStartChunk,
  usageChunk,
  usageOf,
  type ChunkHead,
} from './loopback-wire';

/** A failure the next chat request(s) will meet. `afterTokens` counts content tokens already sent. */
export type LoopbackFailure =
  /** Answer with this status and a vLLM error body (e.g. 429 + `retryAfter: '1'`, 500, 503, 400). */
  | { type: 'http'; status: number; retryAfter?: string; message?: string }
  /** vLLM's in-stream error inside HTTP 200: `data: {"error": {...}}`, or `{"object":"error",...}` at top level. */
  | { type: 'stream_error'; afterTokens: number; message?: string; code?: number; topLevel?: boolean }
  /** Stops sending (connection left open) — for timeout tests. */
  | { type: 'stall'; afterTokens: number }
  /** Sends a chunk that is not JSON. */
  | { type: 'malformed'; afterTokens: number }
  /** Destroys the socket. */
  | { type: 'disconnect'; afterTokens: number };

export interface LoopbackLlmServerOptions {
  /** Served model name; requests for another model get vLLM's 404. Default `loopback-llm`. */
  model?: string;
  /** Delay before each streamed token (non-streaming: before the reply, per token). Default 0. */
  tokenDelayMs?: number;
  /** Words in a generated reply; default hash-derived, 8..24. `max_tokens` still truncates. */
  replyTokens?: number;
  /** When set, requests need `Authorization: Bearer <apiKey>` (vLLM `--api-key`). */
  apiKey?: string;
}

/** The chat request body as the server received it. */
export interface LoopbackChatBody {
  model?: string;
  messages?: LoopbackMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  [key: string]: unknown;
}

export interface LoopbackLlmStats {
  /** Every HTTP request, any path. */
  requests: number;
  chatRequests: number;
  /** Chat responses the client closed before the server finished them. */
  clientDisconnects: number;
}

export interface LoopbackLlmServer {
  /** `http://127.0.0.1:<port>/v1` — pass as the client's baseUrl. */
  readonly baseUrl: string;
  readonly model: string;
  tokenDelayMs: number;
  readonly stats: LoopbackLlmStats;
  /** Every chat body received, in order. */
  readonly chatBodies: readonly LoopbackChatBody[];
  readonly lastRequestBody: LoopbackChatBody | undefined;
  readonly lastRequestHeaders: IncomingMessage['headers'] | undefined;
  /** Queues replies used verbatim by the next chat requests (one each), before generated text. */
  scriptReplies(...replies: string[]): void;
  /** The next chat request that offers `tools` answers with this call (finish reason `tool_calls`). */
  scriptToolCall(call: { name: string; arguments: string }): void;
  /** The next `times` chat requests meet `failure` (queued after any already pending). */
  failNext(failure: LoopbackFailure, times?: number): void;
  /** Forgets queued replies/failures, stats and recorded bodies. */
  reset(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export async function startLoopbackLlmServer(options: LoopbackLlmServerOptions = {}): Promise<LoopbackLlmServer> {
  const state = new LoopbackState(options);
  const server = createServer((req, res) => {
    state.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, errorBody(String(err), 'InternalServerError', 500));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return state.publicApi(`http://127.0.0.1:${port}/v1`, server);
}

class LoopbackState {
  readonly model: string;
  tokenDelayMs: number;
  stats: LoopbackLlmStats = { requests: 0, chatRequests: 0, clientDisconnects: 0 };
  bodies: LoopbackChatBody[] = [];
  headers: IncomingMessage['headers'] | undefined;
  private replies: string[] = [];
  private toolCalls: Array<{ name: string; arguments: string }> = [];
  private failures: LoopbackFailure[] = [];
  private seq = 0;

  constructor(private readonly options: LoopbackLlmServerOptions) {
    this.model = options.model ?? 'loopback-llm';
    this.tokenDelayMs = options.tokenDelayMs ?? 0;
  }

  publicApi(baseUrl: string, server: Server): LoopbackLlmServer {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the API object reads live state
    const self = this;
    return {
      baseUrl,
      model: this.model,
      get tokenDelayMs() {
        return self.tokenDelayMs;
      },
      set tokenDelayMs(ms: number) {
        self.tokenDelayMs = ms;
      },
      get stats() {
        return self.stats;
      },
      get chatBodies() {
        return self.bodies;
      },
      get lastRequestBody() {
        return self.bodies[self.bodies.length - 1];
      },
      get lastRequestHeaders() {
        return self.headers;
      },
      scriptReplies: (...replies: string[]) => void this.replies.push(...replies),
      scriptToolCall: (call: { name: string; arguments: string }) => void this.toolCalls.push(call),
      failNext: (failure: LoopbackFailure, times = 1) => {
        for (let i = 0; i < times; i++) this.failures.push(failure);
      },
      reset: () => {
        this.replies = [];
        this.toolCalls = [];
        this.failures = [];
        this.bodies = [];
        this.stats = { requests: 0, chatRequests: 0, clientDisconnects: 0 };
      },
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.stats.requests += 1;
    this.headers = req.headers;
    if (this.options.apiKey && req.headers['authorization'] !== `Bearer ${this.options.apiKey}`) {
      return json(res, 401, { error: 'Unauthorized' });
    }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') return json(res, 200, modelsList(this.model, nowSeconds()));
    if (req.method === 'GET' && path === '/health') return void res.writeHead(200).end();
    if (req.method !== 'POST' || path !== '/v1/chat/completions') return json(res, 404, { detail: 'Not Found' });

    this.stats.chatRequests += 1;
    const raw = await readBody(req);
    if (raw === undefined) return json(res, 413, errorBody('request body too large', 'BadRequestError', 413));
    let body: LoopbackChatBody;
    try {
      body = JSON.parse(raw) as LoopbackChatBody;
    } catch {
      return json(res, 400, errorBody('request body is not valid JSON', 'BadRequestError', 400));
    }
    this.bodies.push(body);
    const bad = checkBody(body, this.model);
    if (bad) return json(res, bad.code, bad);

    const failure = this.failures.shift();
    if (failure?.type === 'http') {
      const extra = failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : undefined;
      return json(res, failure.status, errorBody(failure.message ?? `injected HTTP ${failure.status}`, errorTypeFor(failure.status), failure.status), extra);
    }
    const messages = body.messages as LoopbackMessage[];
    if (Array.isArray(body['tools']) && body['tools'].length > 0 && this.toolCalls.length > 0) {
      return this.answerToolCall(res, body, messages, raw, this.toolCalls.shift() as { name: string; arguments: string });
    }
    const scripted = this.replies.shift();
    const all = scripted !== undefined ? tokenizeScripted(scripted) : generatedTokens(messages, this.options.replyTokens);
    const limit = body.max_tokens ?? Infinity;
    const tokens = all.length > limit ? all.slice(0, limit) : all;
    const finish = all.length > limit ? 'length' : 'stop';
    const usage = usageOf(countLoopbackPromptTokens(messages), tokens.length);
    const head: ChunkHead = { id: `chatcmpl-${requestId(raw, ++this.seq)}`, created: nowSeconds(), model: this.model };

    let closedEarly = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        closedEarly = true;
        this.stats.clientDisconnects += 1;
      }
    });
    if (!body.stream) {
      if (failure?.type === 'stall') return; // never answers
      if (failure?.type === 'disconnect') return void res.destroy();
      if (failure?.type === 'malformed') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "chatcmpl-broken",');
      if (failure?.type === 'stream_error') {
        const code = failure.code ?? 500;
        return json(res, code, errorBody(failure.message ?? 'injected engine error', errorTypeFor(code), code));
      }
      await delay(this.tokenDelayMs * tokens.length);
      return json(res, 200, completion(head, tokens.join(''), finish, usage));
    }

    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    await write(res, sse(roleChunk(head)));
    const failAt = failure ? Math.min(failure.afterTokens, tokens.length) : -1;
    for (let i = 0; i <= tokens.length; i++) {
      if (failure && failAt === i) return this.fail(res, failure);
      if (i === tokens.length || closedEarly) break;
      if (this.tokenDelayMs > 0) await delay(this.tokenDelayMs);
      if (closedEarly) return;
      await write(res, sse(contentChunk(head, tokens[i], i === tokens.length - 1 ? finish : null)));
    }
    if (closedEarly) return;
    if (tokens.length === 0) await write(res, sse(contentChunk(head, '', finish)));
    if (body.stream_options?.include_usage) await write(res, sse(usageChunk(head, usage)));
    res.end(sse('[DONE]'));
  }

  private async answerToolCall(res: ServerResponse, body: LoopbackChatBody, messages: LoopbackMessage[], raw: string, call: { name: string; arguments: string }): Promise<void> {
    const head: ChunkHead = { id: `chatcmpl-${requestId(raw, ++this.seq)}`, created: nowSeconds(), model: this.model };
    const callId = `chatcmpl-tool-${requestId(call.arguments, this.seq).slice(0, 16)}`;
    const pieces = tokenizeScripted(call.arguments);
    const usage = usageOf(countLoopbackPromptTokens(messages), pieces.length + 1);
    if (!body.stream) return json(res, 200, toolCallCompletion(head, callId, call.name, call.arguments, usage));
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    await write(res, sse(roleChunk(head)));
    await write(res, sse(toolCallStartChunk(head, callId, call.name)));
    for (const piece of pieces) {
      if (this.tokenDelayMs > 0) await delay(this.tokenDelayMs);
      if (res.destroyed) return;
      await write(res, sse(toolCallArgsChunk(head, piece)));
    }
    await write(res, sse(toolCallsFinishChunk(head)));
    if (body.stream_options?.include_usage) await write(res, sse(usageChunk(head, usage)));
    res.end(sse('[DONE]'));
  }

  private async fail(res: ServerResponse, failure: Exclude<LoopbackFailure, { type: 'http' }>): Promise<void> {
    switch (failure.type) {
      case 'stall':
        return; // the connection stays open; nothing more is sent
      case 'disconnect':
        // Let the tokens already written reach the client, then drop the connection mid-stream.
        await delay(20);
        res.destroy();
        return;
      case 'malformed':
        res.end('data: {"id": "chatcmpl-broken", "choices": [\n\n');
        return;
      case 'stream_error': {
        const err = errorBody(failure.message ?? 'injected engine error', errorTypeFor(failure.code ?? 500), failure.code ?? 500);
        await write(res, sse(failure.topLevel ? err : { error: err }));
        res.end(sse('[DONE]'));
        return;
      }
    }
  }
}

function checkBody(body: LoopbackChatBody, model: string): ReturnType<typeof errorBody> | undefined {
  if (typeof body !== 'object' || body === null) return errorBody('body must be an object', 'BadRequestError', 400);
  if (body.model !== model) return errorBody(`The model \`${String(body.model)}\` does not exist.`, 'NotFoundError', 404);
  if (!Array.isArray(body.messages) || body.messages.length === 0) return errorBody('messages: at least one message is required', 'BadRequestError', 400);
  const contentOk = (m: LoopbackMessage & { tool_calls?: unknown }) =>
    typeof m.content === 'string' || Array.isArray(m.content) || (m.content === null && Array.isArray(m.tool_calls));
  if (body.messages.some((m) => typeof m !== 'object' || m === null || !contentOk(m) || typeof m.role !== 'string')) {
    return errorBody('messages: each message needs a string role and content (text, content parts, or null beside tool_calls)', 'BadRequestError', 400);
  }
  if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || body.max_tokens < 1)) {
    return errorBody(`max_tokens must be at least 1, got ${String(body.max_tokens)}.`, 'BadRequestError', 400);
  }
  return undefined;
}

function json(res: ServerResponse, status: number, payload: unknown, headers?: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(payload));
}

function write(res: ServerResponse, text: string): Promise<void> | void {
  if (res.destroyed) return;
  if (res.write(text)) return;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (b: Buffer) => {
      size += b.length;
      if (size <= MAX_BODY_BYTES) parts.push(b);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/** 32 hex digits like vLLM's random_uuid().hex, but deterministic per body and sequence number. */
function requestId(raw: string, seq: number): string {
  return [0, 1, 2, 3].map((k) => fnv1a(`${k}:${seq}:${raw}`).toString(16).padStart(8, '0')).join('');
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
