import { HttpException, HttpStatus, Inject, Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { RedisClient } from '@frontier/platform-redis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuthedRequest } from '../auth/api-key.guard';
import { REDIS } from '../redis.provider';
import { PlatformSettings } from '../settings';
import { SKIP_RATE_LIMIT } from './rate-limit.decorator';

const WINDOW_S = 60;
const DEFAULT_PER_MINUTE = 600;

interface Limit {
  perMinute: number;
  limiter: RateLimiterRedis;
  /** What the 429 calls the caller. */
  who: string;
}

/**
 * Requests per minute per API key (the authenticated principal's key id), and per client IP on
 * routes that take no key, counted in Redis so every replica shares one budget (fixed one-minute
 * windows, rate-limiter-flexible's atomic Lua counter). Runs after the API-key guard. Answers carry
 * `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds); past the budget a
 * 429 with `Retry-After`. When Redis is unreachable each process falls back to its own in-memory
 * budget (the same limits, per process) and logs it: the limiter never turns a request into a 5xx.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly log = new Logger('RateLimit');
  private readonly perKey: Limit | undefined;
  private readonly perIp: Limit | undefined;
  private lastFallbackLog = 0;

  constructor(
    private readonly reflector: Reflector,
    settings: PlatformSettings,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {
    const make = (name: string, perMinute: number, who: string): Limit | undefined =>
      perMinute > 0
        ? {
            perMinute,
            who,
            limiter: new RateLimiterRedis({
              storeClient: redis,
              keyPrefix: `${settings.redisPrefix}:ratelimit:${name}`,
              points: perMinute,
              duration: WINDOW_S,
              rejectIfRedisNotReady: true,
              insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: WINDOW_S }),
            }),
          }
        : undefined;
    this.perKey = make('key', settings.rateLimit?.perKey ?? DEFAULT_PER_MINUTE, 'API key');
    this.perIp = make('ip', settings.rateLimit?.perIp ?? DEFAULT_PER_MINUTE, 'client address');
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP_RATE_LIMIT, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const keyId = req.principal?.keyId;
    const limit = keyId ? this.perKey : this.perIp;
    if (!limit) return true;
    const subject = keyId ?? req.ip ?? req.socket.remoteAddress ?? 'unknown';
    if (this.redis.status !== 'ready') this.fallingBack();
    let outcome: RateLimiterRes;
    try {
      outcome = await limit.limiter.consume(subject);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) {
        // neither Redis nor the in-memory fallback answered: let the request through
        this.log.warn(`rate limiter failed open: ${(e as Error).message}`);
        return true;
      }
      this.headers(res, limit, e);
      const retryAfterS = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
      res.setHeader('Retry-After', String(retryAfterS));
      throw new HttpException(
        {
          statusCode: HttpStatus.TOO_MANY_REQUESTS,
          error: 'Too Many Requests',
          code: 'rate_limited',
          message: [`rate limit of ${limit.perMinute} requests per minute for this ${limit.who} exceeded; retry in ${retryAfterS} s`],
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.headers(res, limit, outcome);
    return true;
  }

  private headers(res: Response, limit: Limit, r: RateLimiterRes): void {
    res.setHeader('X-RateLimit-Limit', String(limit.perMinute));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, r.remainingPoints)));
    res.setHeader('X-RateLimit-Reset', String(Math.max(0, Math.ceil(r.msBeforeNext / 1000))));
  }

  private fallingBack(): void {
    if (Date.now() - this.lastFallbackLog < 30_000) return;
    this.lastFallbackLog = Date.now();
    this.log.warn(`Redis is ${this.redis.status}: rate limits are counted per process (in memory) until it is back`);
  }
}
