/**
 * Typed media errors. Every function of this folder that reads untrusted bytes throws ONLY
 * `MediaError` (a spec drives random and truncated inputs through all of them to hold that).
 */

/** Why a part was refused. Each maps to an HTTP 400 `invalid_request_error` in the gateway. */
export type MediaErrorCode =
  /** The bytes are no format we accept (or a format we recognise but do not take, e.g. SVG). */
  | 'unsupported_media'
  /** The bytes are a recognised format that was cut short (a chunk/box/element runs past the end, the end marker is missing). */
  | 'truncated'
  /** The bytes are a recognised format but inconsistent (bad CRC, impossible field values, lost sync). */
  | 'malformed'
  /** Width or height is zero or impossible. */
  | 'invalid_dimensions'
  /** Over a byte, pixel, side or frame limit. */
  | 'too_large'
  /** Over a duration limit (audio or video seconds). */
  | 'too_long'
  /** The sniffed kind is not the one the part carries (a PNG inside `input_audio`, text inside `image_url`). */
  | 'kind_mismatch'
  /** A base64 payload failed strict validation (alphabet, padding, whitespace, non-canonical bits). */
  | 'bad_base64'
  /** A `data:` URL that is not `data:<mime>[;params];base64,<payload>`. */
  | 'bad_data_url'
  // Raised by the I/O side (@frontier/multimodal-data-access media fetcher); listed here so one
  // union covers every media refusal the gateway maps.
  /** The URL's host (or a redirect's) is not on the allow-list, or it resolves to a private/loopback address. */
  | 'host_not_allowed'
  /** The URL is not http(s) or does not parse. */
  | 'bad_url'
  /** The remote did not answer / finish within the timeout. */
  | 'fetch_timeout'
  /** The remote answered with a non-2xx status, a network error, or too many redirects. */
  | 'fetch_failed';

export const MEDIA_ERROR_CODES: readonly MediaErrorCode[] = [
  'unsupported_media',
  'truncated',
  'malformed',
  'invalid_dimensions',
  'too_large',
  'too_long',
  'kind_mismatch',
  'bad_base64',
  'bad_data_url',
  'host_not_allowed',
  'bad_url',
  'fetch_timeout',
  'fetch_failed',
];

export class MediaError extends Error {
  override readonly name = 'MediaError';
  /**
   * @param code    machine-readable reason
   * @param message human-readable, names what is wrong (and where, when known)
   * @param part    which content part, as the caller labelled it (e.g. `messages[0].content[2]`)
   */
  constructor(
    readonly code: MediaErrorCode,
    message: string,
    readonly part?: string,
    options?: { cause?: unknown },
  ) {
    super(part ? `${part}: ${message}` : message, options);
  }

  /** The same error labelled with a part (keeps the code and the unlabelled message). */
  withPart(part: string | undefined): MediaError {
    if (!part || this.part) return this;
    return new MediaError(this.code, this.message, part, this.cause === undefined ? undefined : { cause: this.cause });
  }
}

/**
 * True for a `MediaError` and for any Error shaped like one (`name === 'MediaError'` and a known
 * `code`) — the data-access fetcher throws such errors without importing this class.
 */
export function isMediaError(e: unknown): e is MediaError {
  if (e instanceof MediaError) return true;
  if (!(e instanceof Error) || e.name !== 'MediaError') return false;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (MEDIA_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * Runs a parser and guarantees the contract "MediaError or a result": anything else (a parser bug
 * on hostile bytes) becomes `malformed` with the original as `cause` — specs assert no error ever
 * carries a cause, so such bugs still fail tests.
 */
export function guarded<T>(what: string, part: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof MediaError) throw e.withPart(part);
    throw new MediaError('malformed', `${what}: could not be parsed`, part, { cause: e });
  }
}
