/**
 * The one error base of Frontier's libraries. Each error says what went wrong (`code`), which
 * class of answer it deserves (`category`, mapped to an HTTP status by the platform's filter — the
 * libraries themselves know nothing of HTTP) and, when a caller's input is at fault, the offending
 * `field` (a dotted path such as `turns.3.content`).
 */
export type ErrorCategory =
  /** The caller's input is wrong: 400. */
  | 'invalid'
  /** The thing asked for does not exist (for this caller): 404. */
  | 'not-found'
  /** The request contradicts what is stored: 409. */
  | 'conflict'
  /** Valid, but the server does not do it: 501. */
  | 'unsupported'
  /** A dependency is down or saturated; retrying later helps: 503 with Retry-After. */
  | 'unavailable'
  /** A dependency answered badly: 502. */
  | 'upstream'
  /** A dependency did not answer in time: 504. */
  | 'timeout';

export interface FrontierErrorOptions {
  /** The offending input field, as a dotted path. */
  field?: string;
  /** For `unavailable`: seconds after which a retry may succeed. */
  retryAfterS?: number;
  cause?: unknown;
}

export class FrontierError extends Error {
  readonly field: string | undefined;
  readonly retryAfterS: number | undefined;

  constructor(
    readonly category: ErrorCategory,
    /** Stable machine-readable code, e.g. `memory.not_found`. */
    readonly code: string,
    message: string,
    options: FrontierErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.field = options.field;
    this.retryAfterS = options.retryAfterS;
  }
}

/** Input refused: 400 naming `field`. */
export class InvalidInputError extends FrontierError {
  constructor(field: string, message: string, code = 'invalid_input') {
    super('invalid', code, message, { field });
  }
}

/** Not found (for this caller): 404 naming `field`. */
export class NotFoundError extends FrontierError {
  constructor(field: string, message: string, code = 'not_found') {
    super('not-found', code, message, { field });
  }
}

/** The request contradicts what is stored: 409 naming `field`. */
export class ConflictError extends FrontierError {
  constructor(field: string, message: string, code = 'conflict') {
    super('conflict', code, message, { field });
  }
}

export function isFrontierError(e: unknown): e is FrontierError {
  return e instanceof FrontierError;
}
