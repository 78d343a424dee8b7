import { FrontierError } from '@frontier/platform-util';

/**
 * Typed errors every ML adapter throws (all {@link FrontierError}s, so apps map them by category). Callers (HTTP apps) map them to status codes without
 * parsing messages: MlInputError → 400/422 naming `field`, ModelUnavailableError → 503,
 * UpstreamError → 502/504, QueueFullError → 429/503.
 */
export type MlInputCode =
  | 'empty_input'
  | 'input_too_large'
  | 'unsupported_format'
  | 'corrupt_media'
  | 'bad_sample_rate'
  | 'bad_shape'
  | 'invalid_argument';

export class MlInputError extends FrontierError {
  declare readonly code: MlInputCode;
  declare readonly field: string;
  constructor(
    code: MlInputCode,
    /** The offending input, e.g. `texts[3]`, `image`, `audio.sampleRate`. */
    field: string,
    message: string,
  ) {
    super('invalid', code, `${field}: ${message}`, { field });
  }
}

/** A model could not be loaded (missing file, wrong format, runtime failure at load). */
export class ModelUnavailableError extends FrontierError {
  constructor(
    readonly role: ModelRole,
    readonly modelId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('unavailable', 'model_unavailable', `${role} model ${modelId} unavailable: ${message}`, { retryAfterS: 1, ...options });
  }
}

/** An upstream HTTP model server failed (after retries) or answered out of protocol. */
export class UpstreamError extends FrontierError {
  constructor(
    readonly status: number | undefined,
    readonly kind: 'http' | 'timeout' | 'protocol' | 'stream' | 'network' | 'schema',
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(kind === 'timeout' ? 'timeout' : 'upstream', `upstream_${kind}`, message, options ?? {});
  }
}

/** The bounded inference queue is full: shed load instead of growing latency without bound. */
export class QueueFullError extends FrontierError {
  constructor(
    readonly role: ModelRole,
    readonly capacity: number,
  ) {
    super('unavailable', 'queue_full', `${role} inference queue is full (${capacity} waiting)`, { retryAfterS: 1 });
  }
}

export type ModelRole = 'embedding' | 'vad' | 'ocr' | 'nsfw' | 'asr' | 'llm';
