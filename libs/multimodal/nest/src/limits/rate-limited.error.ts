import { HttpException, HttpStatus } from '@nestjs/common';

export type RateLimitKind = 'requests' | 'tokens' | 'budget';

/** One per-minute dimension of a key's limits at the time of an answer (null in an admission when unlimited). */
export interface WindowState {
  /** Requests or tokens per minute. */
  limit: number;
  /** Left in the current window after this request (never negative). */
  remaining: number;
  /** When the current window ends (fixed windows aligned to the UTC minute). */
  resetAt: Date;
}

/** One spend budget of a key (null in an admission when unlimited). */
export interface BudgetState {
  period: 'day' | 'month';
  limitUsd: number;
  /** Spent in the period before this request (requests not yet settled are not in it). */
  spentUsd: number;
  /** Start of the next UTC day or month. */
  resetAt: Date;
}

export interface RateLimitedDetails {
  kind: RateLimitKind;
  /** RPM, TPM, or the budget in US dollars. */
  limit: number;
  /** Requests, tokens or dollars left in the window (0 for a spent budget). */
  remaining: number;
  /** Seconds until the window or budget period ends (≥ 1). */
  retryAfterS: number;
  resetAt: Date;
  /** What the window already held: requests, tokens, or dollars spent. */
  used: number;
  /** What this request asked for: 1 request, its estimated tokens, or 0 for a budget. */
  requested: number;
  /** For `budget`: which budget is spent. */
  period?: 'day' | 'month';
  /** Both per-minute windows at the time of the refusal (for the x-ratelimit-* headers). */
  requests: WindowState | null;
  tokens: WindowState | null;
}

const money = (usd: number) => `$${usd.toFixed(usd < 1 ? 4 : 2)}`;

/** OpenAI's 429 body for a refusal (`type` requests / tokens / insufficient_quota, `param` null). */
export function openAiRateLimitBody(err: RateLimitedDetails): {
  error: { message: string; type: 'requests' | 'tokens' | 'insufficient_quota'; param: null; code: 'rate_limit_exceeded' | 'insufficient_quota' };
} {
  if (err.kind === 'budget') {
    const period = err.period === 'month' ? 'monthly' : 'daily';
    return {
      error: {
        message: `You exceeded your current quota: the ${period} budget of ${money(err.limit)} for this API key is spent (${money(err.used)} used). It resets at ${err.resetAt.toISOString()}.`,
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      },
    };
  }
  const what = err.kind === 'requests' ? 'requests per min (RPM)' : 'tokens per min (TPM)';
  const tooLarge = err.kind === 'tokens' && err.requested > err.limit;
  return {
    error: {
      message: tooLarge
        ? `Request too large for this API key on ${what}: Limit ${err.limit}, Requested ${err.requested}. The input or the reserved output (max_tokens) must be reduced to run this request.`
        : `Rate limit reached for this API key on ${what}: Limit ${err.limit}, Used ${err.used}, Requested ${err.requested}. Please try again in ${err.retryAfterS}s.`,
      type: err.kind,
      param: null,
      code: 'rate_limit_exceeded',
    },
  };
}

/**
 * A request refused by a key's limits: too many requests or tokens in the current minute, or a
 * spent daily/monthly budget. An HttpException (429 with OpenAI's body), so it answers correctly
 * even uncaught; the gateway adds {@link rateLimitHeaders}. Nothing was counted for the request.
 */
export class RateLimitedError extends HttpException implements RateLimitedDetails {
  readonly kind: RateLimitKind;
  readonly limit: number;
  readonly remaining: number;
  readonly retryAfterS: number;
  readonly resetAt: Date;
  readonly used: number;
  readonly requested: number;
  readonly period?: 'day' | 'month';
  readonly requests: WindowState | null;
  readonly tokens: WindowState | null;

  constructor(details: RateLimitedDetails) {
    const body = openAiRateLimitBody(details);
    super(body, HttpStatus.TOO_MANY_REQUESTS);
    this.name = 'RateLimitedError';
    this.message = body.error.message;
    this.kind = details.kind;
    this.limit = details.limit;
    this.remaining = details.remaining;
    this.retryAfterS = details.retryAfterS;
    this.resetAt = details.resetAt;
    this.used = details.used;
    this.requested = details.requested;
    if (details.period) this.period = details.period;
    this.requests = details.requests;
    this.tokens = details.tokens;
  }
}
