/**
 * Typed errors every ML adapter throws. Callers (HTTP apps) map them to status codes without
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

export class MlInputError extends Error {
  override name = 'MlInputError';
  constructor(
    readonly code: MlInputCode,
    /** The offending input, e.g. `texts[3]`, `image`, `audio.sampleRate`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A model could not be loaded (missing file, wrong format, runtime failure at load). */
export class ModelUnavailableError extends Error {
  override name = 'ModelUnavailableError';
  constructor(
    readonly role: ModelRole,
    readonly modelId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${role} model ${modelId} unavailable: ${message}`, options);
  }
}

/** An upstream HTTP model server failed (after retries) or answered out of protocol. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly status: number | undefined,
    readonly kind: 'http' | 'timeout' | 'protocol' | 'stream' | 'network' | 'schema',
    message: string,
    readonly retryable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The bounded inference queue is full: shed load instead of growing latency without bound. */
export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor(
    readonly role: ModelRole,
    readonly capacity: number,
  ) {
    super(`${role} inference queue is full (${capacity} waiting)`);
  }
}

export type ModelRole = 'embedding' | 'vad' | 'ocr' | 'nsfw' | 'asr' | 'llm';
