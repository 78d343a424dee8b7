import type { EncodeImagesReply, EncodeImagesRequest, EncoderHealth } from '@frontier/multimodal-contracts';

/** Injection token of the gateway's {@link ImageEncoderClient} (`@Inject(IMAGE_ENCODER)`). */
export const IMAGE_ENCODER = Symbol.for('frontier:multimodal:image-encoder');

/**
 * What the gateway calls, whichever transport is configured (`ENCODERS=inline|redis|nats`).
 * Never rejects: a transport failure (no worker, connection lost, timeout, abort) is
 * `{ok: false, code: 'unavailable', retryAfterS}`. Replies always carry each image's `dataB64`
 * (images that came back through the blob store are fetched before the reply is returned).
 */
export interface ImageEncoderClient {
  encodeImages(req: EncodeImagesRequest, signal?: AbortSignal): Promise<EncodeImagesReply>;
  /** The encoder's load and models; `{ok: false, …}` when it cannot be reached. */
  health(): Promise<EncoderHealth>;
  close(): Promise<void>;
}

/** Seconds a caller should wait before trying again after a transport failure. */
export const UNAVAILABLE_RETRY_AFTER_S = 2;

export const unavailable = (message: string, retryAfterS = UNAVAILABLE_RETRY_AFTER_S): EncodeImagesReply => ({ ok: false, code: 'unavailable', message, retryAfterS });

export const DOWN: EncoderHealth = { ok: false, inFlight: 0, queued: 0, capacity: 0, models: [] };

/** Resolves with `onAbort()` when the signal fires (at once if it already has), else never; `dispose` removes the listener. */
export function abortable<T>(signal: AbortSignal | undefined, onAbort: () => T): { promise: Promise<T>; dispose: () => void } {
  if (!signal) return { promise: new Promise<T>(() => undefined), dispose: () => undefined };
  if (signal.aborted) return { promise: Promise.resolve(onAbort()), dispose: () => undefined };
  let listener: (() => void) | undefined;
  const promise = new Promise<T>((resolve) => {
    listener = () => resolve(onAbort());
    signal.addEventListener('abort', listener, { once: true });
  });
  return { promise, dispose: () => listener && signal.removeEventListener('abort', listener) };
}
