import { formatResetDuration, rateLimitHeaders } from './headers';
import { openAiRateLimitBody, RateLimitedError } from './rate-limited.error';

describe('OpenAI rate-limit headers and 429 bodies', () => {
  it("formats reset durations the way OpenAI's headers do", () => {
    expect([0, 850, 1000, 17_500, 45_000, 60_000, 360_000, 3_723_000, 86_399_999].map(formatResetDuration)).toEqual([
      '0ms',
      '850ms',
      '1s',
      '17.5s',
      '45s',
      '1m0s',
      '6m0s',
      '1h2m3s',
      '23h59m59.999s',
    ]);
    expect(formatResetDuration(-5)).toBe('0ms');
  });

  it('a refusal: both windows, retry-after, and an HttpException answering 429 with the OpenAI body even uncaught', () => {
    const now = Date.parse('2026-11-20T10:00:30.000Z');
    const resetAt = new Date('2026-11-20T10:01:00.000Z');
    const err = new RateLimitedError({
      kind: 'tokens',
      limit: 1000,
      remaining: 100,
      used: 900,
      requested: 300,
      retryAfterS: 30,
      resetAt,
      requests: { limit: 60, remaining: 59, resetAt },
      tokens: { limit: 1000, remaining: 100, resetAt },
    });
    expect(rateLimitHeaders(err, now)).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '30s',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '100',
      'x-ratelimit-reset-tokens': '30s',
      'retry-after': '30',
    });
    expect(err.getStatus()).toBe(429);
    expect(err.getResponse()).toEqual(openAiRateLimitBody(err));
    expect(openAiRateLimitBody(err)).toEqual({
      error: {
        message: 'Rate limit reached for this API key on tokens per min (TPM): Limit 1000, Used 900, Requested 300. Please try again in 30s.',
        type: 'tokens',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect(err.message).toBe(openAiRateLimitBody(err).error.message);
  });

  it('a spent monthly budget is insufficient_quota', () => {
    const resetAt = new Date('2026-12-01T00:00:00.000Z');
    expect(openAiRateLimitBody({ kind: 'budget', period: 'month', limit: 250, remaining: 0, used: 250.4, requested: 0, retryAfterS: 3600, resetAt, requests: null, tokens: null })).toEqual({
      error: {
        message: 'You exceeded your current quota: the monthly budget of $250.00 for this API key is spent ($250.40 used). It resets at 2026-12-01T00:00:00.000Z.',
        type: 'insufficient_quota',
        param: null,
        code: 'insufficient_quota',
      },
    });
  });
});
