import type { WindowState } from './rate-limited.error';

/** What {@link rateLimitHeaders} reads: an admission or a RateLimitedError (both carry the two windows). */
export interface RateLimitSnapshot {
  requests: WindowState | null;
  tokens: WindowState | null;
  /** Only on a refusal. */
  retryAfterS?: number;
}

/**
 * A duration the way OpenAI writes its reset headers (Go's format): `850ms`, `1s`, `17.5s`, `6m0s`,
 * `1h2m3s`.
 */
export function formatResetDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = (total % 60_000) / 1000;
  const sec = `${Number(s.toFixed(3))}s`;
  if (h) return `${h}h${m}m${sec}`;
  if (m) return `${m}m${sec}`;
  return sec;
}

/**
 * OpenAI's rate-limit headers for an answer: `x-ratelimit-limit-requests`,
 * `x-ratelimit-remaining-requests`, `x-ratelimit-reset-requests` and the same for tokens (a
 * dimension with no limit is left out), plus `retry-after` (seconds) on a refusal.
 */
export function rateLimitHeaders(x: RateLimitSnapshot, now: number = Date.now()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, w] of [
    ['requests', x.requests],
    ['tokens', x.tokens],
  ] as const) {
    if (!w) continue;
    out[`x-ratelimit-limit-${name}`] = String(w.limit);
    out[`x-ratelimit-remaining-${name}`] = String(Math.max(0, w.remaining));
    out[`x-ratelimit-reset-${name}`] = formatResetDuration(w.resetAt.getTime() - now);
  }
  if (x.retryAfterS !== undefined) out['retry-after'] = String(x.retryAfterS);
  return out;
}
