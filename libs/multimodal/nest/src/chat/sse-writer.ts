/**
 * Writes one chat response as Server-Sent Events on an Express response, framed by
 * multimodal-domain's `encodeSse`: OpenAI's `chat.completion.chunk` stream (what the official SDK
 * reads), plus — when the client opted in with `X-Frontier-Events: 1` — the named events. Writes
 * respect back-pressure; after the client has gone nothing is written.
 */
import {
  completionChunk,
  encodeSse,
  usageChunk,
  type ChunkDelta,
  type ChunkInit,
  type CompletionUsage,
  type FinishReason,
  type GatewayEvent,
  type NamedGatewayEvent,
  type OpenAiErrorResponse,
} from '@frontier/multimodal-domain';
import type { Response } from 'express';

export class SseWriter {
  private closed = false;
  private readonly init: ChunkInit;

  constructor(
    private readonly res: Response,
    init: ChunkInit,
    readonly namedEvents: boolean,
  ) {
    this.init = init;
    res.on('close', () => {
      this.closed = true;
    });
  }

  get clientGone(): boolean {
    return this.closed || this.res.destroyed;
  }

  open(extraHeaders: Record<string, string> = {}): void {
    this.res.status(200);
    this.res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('cache-control', 'no-cache');
    this.res.setHeader('connection', 'keep-alive');
    this.res.setHeader('x-accel-buffering', 'no');
    for (const [k, v] of Object.entries(extraHeaders)) this.res.setHeader(k, v);
    // no flushHeaders(): the headers leave with the first event, in the same write
  }

  chunk(delta: ChunkDelta, finishReason: FinishReason | null = null): Promise<void> {
    return this.send({ type: 'chunk', chunk: completionChunk(this.init, delta, finishReason) });
  }

  /** The `stream_options.include_usage` chunk: empty choices, usage only. */
  usage(usage: CompletionUsage): Promise<void> {
    return this.send({ type: 'chunk', chunk: usageChunk(this.init, usage) });
  }

  /** A named event, written only for clients that opted in. */
  event(e: NamedGatewayEvent): Promise<void> {
    return this.namedEvents ? this.send(e) : Promise.resolve();
  }

  /** An error inside the stream as OpenAI's SDK reads it (`data: {"error": …}`), with its named twin. */
  async error(error: OpenAiErrorResponse): Promise<void> {
    await this.event({ type: 'error', data: error });
    await this.send({ type: 'stream_error', data: error });
  }

  async done(): Promise<void> {
    await this.send({ type: 'done' });
    if (!this.clientGone) this.res.end();
  }

  private send(e: GatewayEvent): Promise<void> {
    if (this.clientGone) return Promise.resolve();
    if (this.res.write(encodeSse(e))) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }
}
