/**
 * HTTP transport for the OpenAI-compatible client: per-attempt deadlines combined with the
 * caller's AbortSignal, an idle timer for streams, error classification, and exponential backoff
 * with jitter that honours `Retry-After`.
 */
import { UpstreamError } from '@frontier/ml-ports';
import { errorMessageFromBody } from './wire';

export interface RetryPolicy {
  maxRetries: number;
  retryBaseMs: number;
  maxRetryDelayMs: number;
}

/** Status codes worth another attempt: timeout, rate limit, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Server-requested delay carried from a failed response to the backoff. */
const retryAfterHint = new WeakMap<Error, number>();

/**
 * One attempt's abort signal: aborts on the caller's signal, on the request deadline, or when the
 * idle timer (gap between stream chunks) runs out. `timedOut` says which deadline fired.
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private deadline: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  timedOut: { what: 'request' | 'idle'; ms: number } | undefined;
  private readonly onCallerAbort = () => this.controller.abort(this.caller?.reason);

  constructor(
    private readonly caller: AbortSignal | undefined,
    timeoutMs: number,
  ) {
    if (caller?.aborted) this.controller.abort(caller.reason);
    caller?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.deadline = setTimeout(() => this.fire('request', timeoutMs), timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the whole-request deadline (a stream switches to the idle timer once headers arrive). */
  clearDeadline(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  /** (Re)starts the idle timer. */
  armIdle(ms: number): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.fire('idle', ms), ms);
  }

  disarmIdle(): void {
    clearTimeout(this.idle);
    this.idle = undefined;
  }

  dispose(): void {
    clearTimeout(this.deadline);
    clearTimeout(this.idle);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }

  private fire(what: 'request' | 'idle', ms: number): void {
    if (this.controller.signal.aborted) return;
    this.timedOut = { what, ms };
    this.controller.abort(new DOMException(`${what} timeout after ${ms} ms`, 'TimeoutError'));
  }
}

/** The caller's abort reason as an Error (the platform's AbortError when it gave none). */
export function callerAbortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  const isError = reason instanceof Error || (typeof reason === 'object' && reason !== null && 'name' in reason && 'message' in reason);
  return isError ? (reason as Error) : new DOMException('The operation was aborted', 'AbortError');
}

/** Maps whatever an attempt threw to the error the caller sees. */
export function classifyFailure(err: unknown, attempt: AttemptSignal | undefined, caller: AbortSignal | undefined): Error {
  if (caller?.aborted) return callerAbortError(caller);
  if (attempt?.timedOut) {
    const { what, ms } = attempt.timedOut;
    const text = what === 'idle' ? `no stream data for ${ms} ms` : `no complete response within ${ms} ms`;
    return new UpstreamError(undefined, 'timeout', `upstream timeout: ${text}`, true, { cause: err });
  }
  if (err instanceof UpstreamError) return err;
  // Duck-typed: undici's errors may come from another realm (vm contexts, jest), failing instanceof.
  const inner = messageOf((err as { cause?: unknown } | undefined)?.cause);
  const cause = inner ? `: ${inner}` : '';
  const message = messageOf(err) ?? String(err);
  return new UpstreamError(undefined, 'network', `network error: ${message}${cause}`, true, { cause: err });
}

function messageOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : undefined;
}

/** Whether another attempt may help (retryable HTTP status, network error). Timeouts are not retried: the bound is the caller's. */
export function shouldRetry(err: Error): boolean {
  return err instanceof UpstreamError && err.retryable && err.kind !== 'timeout';
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unparseable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Delay before retry number `attempt` (0-based): Retry-After when given, else base·2^attempt with ±50% jitter; capped. */
export function backoffMs(attempt: number, err: Error, policy: RetryPolicy, random: () => number = Math.random): number {
  const hinted = retryAfterHint.get(err);
  const exp = policy.retryBaseMs * 2 ** attempt;
  const delay = hinted ?? exp * (0.5 + random());
  return Math.min(Math.max(0, delay), policy.maxRetryDelayMs);
}

/** Waits `ms`, or rejects with the caller's abort. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(callerAbortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(callerAbortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** POSTs a JSON body; a non-2xx answer becomes an UpstreamError 'http' with the server's message. */
export async function postJson(url: string, headers: Record<string, string>, body: string, attempt: AttemptSignal): Promise<Response> {
  const response = await fetch(url, { method: 'POST', headers, body, signal: attempt.signal });
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  const retryable = isRetryableStatus(response.status);
  const err = new UpstreamError(response.status, 'http', `upstream HTTP ${response.status}: ${errorMessageFromBody(text)}`, retryable);
  const hinted = parseRetryAfter(response.headers.get('retry-after'));
  if (hinted !== undefined) retryAfterHint.set(err, hinted);
  throw err;
}
