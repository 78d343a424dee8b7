import { UpstreamError } from '@frontier/ml-ports';

export interface RetryPolicy {
  /** Attempts after the first. */
  maxRetries: number;
  /** First backoff; doubles each retry (with ±50 % jitter), capped at `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Per-attempt deadline. */
  timeoutMs: number;
}

const RETRYABLE_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Delay before retry `attempt` (1-based): the server's Retry-After when it sends one, else jittered exponential. */
export function backoffDelay(attempt: number, policy: RetryPolicy, retryAfter: string | null): number {
  const seconds = retryAfter === null ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, policy.maxBackoffMs);
  const base = Math.min(policy.backoffMs * 2 ** (attempt - 1), policy.maxBackoffMs);
  return base * (0.5 + Math.random());
}

/** Pulls a readable message out of an error body (`{"error":{"message"}}`, `{"error":"…"}`, `{"message"}` or text). */
function errorMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const m = typeof j.error === 'string' ? j.error : (j.error?.message ?? j.message ?? j.detail);
    if (typeof m === 'string') return m;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 300);
}

/** One failed attempt, with what the retry loop needs to decide and wait. */
interface Failure {
  error: UpstreamError;
  retryAfter: string | null;
}

async function attemptOnce(url: string, payload: string, headers: Record<string, string>, timeoutMs: number): Promise<{ value: unknown } | Failure> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: payload, signal: ctrl.signal });
    text = await res.text();
  } catch (e) {
    const error = ctrl.signal.aborted
      ? new UpstreamError(undefined, 'timeout', `POST ${url} timed out after ${timeoutMs} ms`, true, { cause: e })
      : new UpstreamError(undefined, 'network', `POST ${url} failed: ${(e as Error).message}`, true, { cause: e });
    return { error, retryAfter: null };
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) {
    const retryable = RETRYABLE_STATUS.has(res.status) || res.status >= 500;
    return { error: new UpstreamError(res.status, 'http', `POST ${url} → HTTP ${res.status}: ${errorMessage(text)}`, retryable), retryAfter: res.headers.get('retry-after') };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: new UpstreamError(res.status, 'protocol', `POST ${url} answered HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 120)}`, false, { cause: e }), retryAfter: null };
  }
}

/**
 * POSTs `body` as JSON and returns the parsed JSON answer. Retries network errors, timeouts and
 * 408/409/425/429/5xx with backoff; other statuses and non-JSON answers fail at once. Every
 * failure is an UpstreamError (`retryable` says whether a later call may succeed).
 */
export async function postJson(url: string, body: unknown, headers: Record<string, string>, policy: RetryPolicy): Promise<unknown> {
  const payload = JSON.stringify(body);
  for (let attempt = 0; ; attempt++) {
    const r = await attemptOnce(url, payload, headers, policy.timeoutMs);
    if ('value' in r) return r.value;
    const { error } = r;
    if (!error.retryable) throw error;
    if (attempt >= policy.maxRetries) {
      const tries = attempt + 1;
      throw new UpstreamError(error.status, error.kind, `${error.message} (gave up after ${tries} attempt${tries > 1 ? 's' : ''})`, true, { cause: error.cause });
    }
    await sleep(backoffDelay(attempt + 1, policy, r.retryAfter));
  }
}
