import { ClientProxyFactory, Transport, type ClientProxy, type ClientProviderOptions } from '@nestjs/microservices';
import { firstValueFrom, fromEvent, NEVER, takeUntil, timeout } from 'rxjs';
import type { EncodedImage, EncodeImagesReply, EncodeImagesRequest, EncoderHealth } from '@frontier/multimodal-contracts';
import type { BlobStore } from '../blob-store';
import { INLINE_MAX_BYTES } from '../config';
import { DOWN, unavailable, type ImageEncoderClient } from './image-encoder.client';
import { ENCODER_NATS_QUEUE, encoderPatterns } from './patterns';

/** Total base64 a request may carry inline (NATS' default max_payload is 1 MB); the rest goes through the blob store. */
export const REQUEST_INLINE_BUDGET_BYTES = 512 * 1024;

export interface TransportClientOptions {
  transport: 'redis' | 'nats';
  /** `redis://…` for redis, `nats://…[,nats://…]` for nats. */
  url: string;
  /** No reply within this → unavailable. */
  timeoutMs: number;
  /** Health probes wait at most this (default min(timeoutMs, 2 s)). */
  healthTimeoutMs?: number;
  channelPrefix?: string;
  /** Where large inline images are moved before sending, and where large resized images come back from. */
  blobs: BlobStore;
  inlineMaxBytes?: number;
}

/** @nestjs/microservices options of the Redis transport from a redis:// URL (pub/sub; Redis channels ignore the db number). */
export function redisTransportOptions(url: string): Record<string, unknown> {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // no retryAttempts: a lost connection is not retried in the background; the next call reconnects (or fails fast)
    connectTimeout: 2_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
  };
}

/** @nestjs/microservices options of the NATS transport. */
export function natsTransportOptions(url: string, connectTimeoutMs = 2_000): Record<string, unknown> {
  return { servers: url.split(',').map((s) => s.trim()), timeout: connectTimeoutMs, maxReconnectAttempts: -1, reconnectTimeWait: 500, waitOnFirstConnect: false };
}

/** Server side of the Redis transport (encoder-worker): reconnects forever, a second apart; ioredis re-subscribes. */
export function redisServerOptions(url: string): Record<string, unknown> {
  return { ...redisTransportOptions(url), retryAttempts: Number.MAX_SAFE_INTEGER, retryDelay: 1_000, maxRetriesPerRequest: null };
}

/** Server side of the NATS transport: the workers form one queue group, so each request goes to one of them. */
export function natsServerOptions(url: string): Record<string, unknown> {
  return { ...natsTransportOptions(url), queue: ENCODER_NATS_QUEUE };
}

export function clientProxyOptions(transport: 'redis' | 'nats', url: string, connectTimeoutMs?: number): ClientProviderOptions {
  return transport === 'redis'
    ? ({ name: 'encoders', transport: Transport.REDIS, options: redisTransportOptions(url) } as ClientProviderOptions)
    : ({ name: 'encoders', transport: Transport.NATS, options: natsTransportOptions(url, connectTimeoutMs) } as ClientProviderOptions);
}

const isReply = (r: unknown): r is EncodeImagesReply => !!r && typeof r === 'object' && typeof (r as { ok?: unknown }).ok === 'boolean';

/**
 * `ENCODERS=redis|nats`: an encoder-worker through @nestjs/microservices (`ClientProxy.send` with
 * `firstValueFrom` + `timeout`). Large images never ride the message: inline ones past 64 KB (or
 * past the request's inline budget) are put in the blob store first, and resized images the worker
 * sent back by outSha256 are fetched from it. Every failure is `unavailable` with a Retry-After.
 */
export class TransportEncoderClient implements ImageEncoderClient {
  readonly proxy: ClientProxy;
  private readonly patterns: { encodeImages: string; health: string };

  constructor(private readonly o: TransportClientOptions) {
    const { name: _name, ...options } = clientProxyOptions(o.transport, o.url, Math.min(o.timeoutMs, 2_000)) as ClientProviderOptions & { name: string };
    this.proxy = ClientProxyFactory.create(options as Parameters<typeof ClientProxyFactory.create>[0]);
    this.patterns = encoderPatterns(o.channelPrefix);
  }

  async encodeImages(req: EncodeImagesRequest, signal?: AbortSignal): Promise<EncodeImagesReply> {
    try {
      const wire = await this.spill(req);
      const reply = await this.call<unknown>(this.patterns.encodeImages, wire, this.o.timeoutMs, signal);
      if (!isReply(reply)) return unavailable(`malformed reply from the encoder worker over ${this.o.transport}`);
      return reply.ok ? await this.fill(reply) : reply;
    } catch (e) {
      if (signal?.aborted) return unavailable('encode request aborted by the caller', 0);
      return unavailable(`encoder worker unavailable over ${this.o.transport}: ${describe(e, this.o.timeoutMs)}`);
    }
  }

  async health(): Promise<EncoderHealth> {
    try {
      const h = await this.call<EncoderHealth>(this.patterns.health, {}, this.o.healthTimeoutMs ?? Math.min(this.o.timeoutMs, 2_000));
      return h && typeof h === 'object' && typeof h.ok === 'boolean' ? h : DOWN;
    } catch {
      return DOWN;
    }
  }

  async close(): Promise<void> {
    await Promise.resolve(this.proxy.close()).catch(() => undefined);
  }

  /** One request–reply: the first value, or a TimeoutError after `ms`, or EmptyError when the signal aborts. */
  private call<T>(pattern: string, data: unknown, ms: number, signal?: AbortSignal): Promise<T> {
    const abort$ = signal ? fromEvent(signal, 'abort') : NEVER;
    if (signal?.aborted) return Promise.reject(new Error('aborted'));
    return firstValueFrom(this.proxy.send<T>(pattern, data).pipe(timeout({ first: ms }), takeUntil(abort$)));
  }

  /** Inline images over the per-image limit or past the request budget go into the blob store (by their sha256). */
  private async spill(req: EncodeImagesRequest): Promise<EncodeImagesRequest> {
    let budget = REQUEST_INLINE_BUDGET_BYTES;
    const limit = this.o.inlineMaxBytes ?? INLINE_MAX_BYTES;
    let changed = false;
    const images = await Promise.all(
      req.images.map(async (img) => {
        if (img.dataB64 === undefined) return img;
        const bytes = Math.floor((img.dataB64.length * 3) / 4);
        if (bytes <= limit && img.dataB64.length <= budget) {
          budget -= img.dataB64.length;
          return img;
        }
        changed = true;
        const { dataB64, ...rest } = img;
        await this.o.blobs.put(Buffer.from(dataB64, 'base64'));
        return rest;
      }),
    );
    return changed ? { ...req, images } : req;
  }

  /** Resized images sent back by hash are fetched (one MGET); one missing makes the reply unavailable. */
  private async fill(reply: EncodeImagesReply & { ok: true }): Promise<EncodeImagesReply> {
    const byRef = reply.images.filter((i) => i.dataB64 === '' && i.outSha256);
    if (!byRef.length) return reply;
    const found = await this.o.blobs.getMany(byRef.map((i) => i.outSha256 as string));
    const data = new Map<EncodedImage, string>();
    for (const [j, img] of byRef.entries()) {
      const b = found[j];
      if (!b) return unavailable(`${img.part}: the resized image (sha256 ${img.outSha256?.slice(0, 12)}…) expired from the blob store before it was fetched`, 0);
      data.set(img, b.toString('base64'));
    }
    return { ok: true, images: reply.images.map((i) => (data.has(i) ? { ...i, dataB64: data.get(i) as string } : i)) };
  }
}

function describe(e: unknown, ms: number): string {
  if (e && typeof e === 'object' && (e as { name?: string }).name === 'TimeoutError') return `no reply within ${ms} ms (no worker listening, or all busy past the deadline)`;
  if (e && typeof e === 'object' && (e as { name?: string }).name === 'EmptyError') return 'no reply';
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
