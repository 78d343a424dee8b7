import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { RedisClient } from '@frontier/platform-redis';
import type { BillingRepository, KeyLimitsRepository } from '@frontier/multimodal-data-access';
import { asUnavailable, InvalidInputError } from '@frontier/platform-util';
import { RateLimitedError, type BudgetState, type WindowState } from './rate-limited.error';

/** A key's effective limits; 0 is unlimited. */
export interface KeyLimitValues {
  /** Requests per minute. */
  rpm: number;
  /** Tokens per minute (estimated at admission, corrected at settlement). */
  tpm: number;
  /** US dollars per UTC day. */
  dailyBudgetUsd: number;
  /** US dollars per UTC calendar month. */
  monthlyBudgetUsd: number;
}

export interface LimitsOptions {
  /** The limits of a key without overrides (env `MULTIMODAL_RPM`, …). */
  defaults: KeyLimitValues;
  /** The deployment's Redis key prefix (REDIS_PREFIX). */
  prefix: string;
  /** How long a key's overrides (`multimodal_key_limits`) are cached in process; default and most 30 000 ms. */
  keyLimitsCacheMs?: number;
  /** The clock (ms since the epoch); tests pin it. */
  now?: () => number;
}

export interface AdmitInput {
  tenantId: string;
  keyId: string;
  /** Tokens the request may use: the plan's input estimate plus the reserved output. */
  estimatedTokens: number;
}

/** A request let through: what it reserved, and the windows as they stood after it (for the headers). */
export interface Admission {
  tenantId: string;
  keyId: string;
  estimatedTokens: number;
  /** Start of the minute window it was counted in (epoch ms). */
  windowStart: number;
  limits: KeyLimitValues;
  /** Null when the key has no RPM limit. */
  requests: WindowState | null;
  /** Null when the key has no TPM limit. */
  tokens: WindowState | null;
  /** The key's daily and monthly budgets (only those it has). */
  budgets: BudgetState[];
}

export interface SettleInput {
  /** Tokens the request really used (input + output). */
  actualTokens: number;
  /** What it cost, US dollars. */
  costUsd: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Minute counters outlive their window by a minute, so a settlement right after the window still finds it. */
const WINDOW_TTL_MS = 2 * MINUTE_MS;
const MAX_CACHE_MS = 30_000;
const MAX_CACHED_KEYS = 10_000;

interface Script {
  lua: string;
  sha: string;
}
const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });

/**
 * Checks and counts one request atomically. KEYS: requests and tokens of the minute, spent nano-USD of
 * the day and of the month. ARGV: rpm, tpm, estimated tokens, daily and monthly budget in nano-USD
 * (0 = none), counter TTL ms. Budgets first (a spent budget is not a burst), then requests, then
 * tokens; a refusal counts nothing. Reply {code, budget index, requests, tokens, day spent, month
 * spent}: code 0 admitted (counters after it), 1 a budget counter is missing (seed it from Postgres
 * and retry), 2 budget spent, 3 too many requests, 4 too many tokens.
 */
const ADMIT = script(`
local rpm, tpm, est = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local budgets = { tonumber(ARGV[4]), tonumber(ARGV[5]) }
local spent = { 0, 0 }
for i = 1, 2 do
  if budgets[i] > 0 then
    local v = redis.call('GET', KEYS[2 + i])
    if not v then return { 1, i, 0, 0, 0, 0 } end
    spent[i] = tonumber(v)
  end
end
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local tokens = tonumber(redis.call('GET', KEYS[2]) or '0')
for i = 1, 2 do
  if budgets[i] > 0 and spent[i] >= budgets[i] then return { 2, i, used, tokens, spent[1], spent[2] } end
end
if rpm > 0 and used + 1 > rpm then return { 3, 0, used, tokens, spent[1], spent[2] } end
if tpm > 0 and tokens + est > tpm then return { 4, 0, used, tokens, spent[1], spent[2] } end
used = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[6]) end
tokens = redis.call('INCRBY', KEYS[2], est)
if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[6]) end
return { 0, 0, used, tokens, spent[1], spent[2] }
`);

/**
 * Settles one request. KEYS: a minute's token counter, the day's and the month's spend. ARGV: token
 * correction (may be negative; the counter never goes below 0), cost in nano-USD, counter TTL ms.
 * Spend is added only to counters that exist: a missing one is seeded from Postgres (where the
 * request's billing event already is) at the next admission.
 */
const SETTLE = script(`
local d = tonumber(ARGV[1])
if d ~= 0 then
  local v = redis.call('INCRBY', KEYS[1], d)
  if v < 0 then redis.call('SET', KEYS[1], '0', 'KEEPTTL') end
  if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
end
local nano = tonumber(ARGV[2])
if nano > 0 then
  for i = 2, 3 do
    if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('INCRBY', KEYS[i], nano) end
  end
end
return 1
`);

const toNano = (usd: number) => Math.round(usd * 1e9);
const fromNano = (nano: number) => nano / 1e9;

function periods(now: number) {
  const d = new Date(now);
  const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const iso = d.toISOString();
  return {
    day: { id: iso.slice(0, 10), start: dayStart, end: dayStart + DAY_MS },
    month: { id: iso.slice(0, 7), start: monthStart, end: monthEnd },
  };
}

/** A token count as the counters keep it: a fractional estimate (w·h/750…) rounded up; negative or not a number refused. */
function tokenCount(n: number, field: string): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > Number.MAX_SAFE_INTEGER) throw new InvalidInputError(field, `${field} must be a non-negative number of tokens`);
  return Math.ceil(n);
}

const retryAfter = (resetAt: number, now: number) => Math.max(1, Math.ceil((resetAt - now) / 1000));

/**
 * Per-key request, token and spend limits kept in Redis, so every gateway replica shares them (no
 * counter lives in process memory: LiteLLM's per-replica TPM check is its bug #40291).
 *
 * - **Windows**: requests (RPM) and tokens (TPM) are counted in fixed one-minute windows aligned to
 *   the UTC minute (a burst of up to twice the limit is possible across a window boundary); budgets
 *   are per UTC day and UTC calendar month. Window boundaries come from the process clock (replicas
 *   are NTP-synchronised; a skew of a few hundred ms only moves a request to the neighbouring window).
 * - **admit** runs one Lua script: a spent budget, a full RPM window or a TPM window without room for
 *   the estimate refuses the request ({@link RateLimitedError}) and counts nothing; otherwise the
 *   request is counted and its estimated tokens reserved, atomically across processes.
 * - **settle** corrects the reservation to the actual tokens (in the window it was made in while that
 *   window lasts; later, only an excess is added to the current window) and adds the cost to the
 *   day's and month's spend.
 * - **Spend counters are derived from Postgres**: a missing day or month counter (first request of
 *   the period, or a Redis that restarted empty) is seeded from the key's billing events before the
 *   check, so an emptied Redis never resets a budget.
 * - **Limits**: env defaults, overridden per key by `multimodal_key_limits` (cached ≤ 30 s).
 * - Redis or Postgres unreachable: a typed `unavailable` error (503 + Retry-After), never a 500.
 */
/** No RPM, no TPM, no budget: nothing to count in Redis. */
function unlimited(l: KeyLimitValues): boolean {
  return !(l.rpm > 0) && !(l.tpm > 0) && !(l.dailyBudgetUsd > 0) && !(l.monthlyBudgetUsd > 0);
}

export class LimitsService {
  private readonly log = new Logger(LimitsService.name);
  private readonly cache = new Map<string, { limits: KeyLimitValues; expiresAt: number }>();
  private readonly now: () => number;
  private readonly cacheMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyLimits: KeyLimitsRepository,
    private readonly billing: BillingRepository,
    private readonly options: LimitsOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.cacheMs = Math.min(Math.max(0, options.keyLimitsCacheMs ?? MAX_CACHE_MS), MAX_CACHE_MS);
  }

  /**
   * Admits one request of `keyId`, counting it against the RPM window and reserving
   * `estimatedTokens` in the TPM window, if the key's budgets are not spent. Throws
   * {@link RateLimitedError} (nothing counted) or a typed `unavailable` error.
   */
  async admit(input: AdmitInput): Promise<Admission> {
    const est = tokenCount(input.estimatedTokens, 'estimatedTokens');
    const limits = await this.limitsFor(input.keyId);
    // a key with no limit and no budget has nothing to count: no Redis round trip on the path to the first token
    if (unlimited(limits)) return { tenantId: input.tenantId, keyId: input.keyId, estimatedTokens: est, windowStart: Math.floor(this.now() / MINUTE_MS) * MINUTE_MS, limits, requests: null, tokens: null, budgets: [] };
    for (let attempt = 0; ; attempt++) {
      const now = this.now();
      const windowStart = Math.floor(now / MINUTE_MS) * MINUTE_MS;
      const p = periods(now);
      const keys = this.keys(input.keyId, windowStart, p);
      const reply = (await this.eval(ADMIT, [keys.requests, keys.tokens, keys.day, keys.month], [
        limits.rpm,
        limits.tpm,
        est,
        toNano(limits.dailyBudgetUsd),
        toNano(limits.monthlyBudgetUsd),
        WINDOW_TTL_MS,
      ])) as number[];
      const [code, which, used, tokens, daySpent, monthSpent] = reply.map(Number) as [number, number, number, number, number, number];
      if (code === 1 && attempt < 3) {
        await this.seed(input.keyId, which === 1 ? 'day' : 'month', which === 1 ? keys.day : keys.month, which === 1 ? p.day : p.month, now);
        continue;
      }
      const resetAt = windowStart + MINUTE_MS;
      const window = (limit: number, count: number): WindowState | null => (limit > 0 ? { limit, remaining: Math.max(0, limit - count), resetAt: new Date(resetAt) } : null);
      const budgets: BudgetState[] = [];
      if (limits.dailyBudgetUsd > 0) budgets.push({ period: 'day', limitUsd: limits.dailyBudgetUsd, spentUsd: fromNano(daySpent), resetAt: new Date(p.day.end) });
      if (limits.monthlyBudgetUsd > 0) budgets.push({ period: 'month', limitUsd: limits.monthlyBudgetUsd, spentUsd: fromNano(monthSpent), resetAt: new Date(p.month.end) });
      if (code === 0) {
        return { tenantId: input.tenantId, keyId: input.keyId, estimatedTokens: est, windowStart, limits, requests: window(limits.rpm, used), tokens: window(limits.tpm, tokens), budgets };
      }
      const requests = window(limits.rpm, used);
      const tokenWindow = window(limits.tpm, tokens);
      if (code === 2) {
        const period = which === 1 ? 'day' : 'month';
        const b = budgets.find((x) => x.period === period);
        if (!b) throw new Error(`limits: the Redis script refused a ${period} budget the key does not have`);
        throw new RateLimitedError({
          kind: 'budget',
          period,
          limit: b.limitUsd,
          remaining: Math.max(0, b.limitUsd - b.spentUsd),
          used: b.spentUsd,
          requested: 0,
          retryAfterS: retryAfter(b.resetAt.getTime(), now),
          resetAt: b.resetAt,
          requests,
          tokens: tokenWindow,
        });
      }
      if (code === 3 || code === 4) {
        const kind = code === 3 ? 'requests' : 'tokens';
        const w = (code === 3 ? requests : tokenWindow) as WindowState;
        throw new RateLimitedError({
          kind,
          limit: w.limit,
          remaining: w.remaining,
          used: code === 3 ? used : tokens,
          requested: code === 3 ? 1 : est,
          retryAfterS: retryAfter(resetAt, now),
          resetAt: new Date(resetAt),
          requests,
          tokens: tokenWindow,
        });
      }
      throw new Error(`limits: unexpected reply from the Redis script: ${JSON.stringify(reply)}`);
    }
  }

  /**
   * Settles an admitted request once it ended: the token reservation becomes `actualTokens` and
   * `costUsd` is added to the key's spend. Store the request's billing event first (BillingService.record):
   * a spend counter seeded from Postgres later then includes it. A request refused after admission
   * settles with 0 and 0. Never throws for an outage (the answer is already sent): returns false and
   * logs instead.
   */
  async settle(admission: Admission, usage: SettleInput): Promise<boolean> {
    const actualTokens = tokenCount(usage.actualTokens, 'actualTokens');
    if (typeof usage.costUsd !== 'number' || !Number.isFinite(usage.costUsd) || usage.costUsd < 0) throw new InvalidInputError('costUsd', 'costUsd must be a non-negative number of US dollars');
    // nothing was counted at admission (no limits, no budgets); spend is in Postgres, and a budget set later seeds its counter from there
    if (unlimited(admission.limits)) return true;
    const now = this.now();
    const currentWindow = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    const delta = actualTokens - admission.estimatedTokens;
    // within the reservation's window: correct it either way; later: the old window is gone, only an excess still counts (now)
    const tokenWindow = currentWindow === admission.windowStart ? admission.windowStart : currentWindow;
    const tokenDelta = currentWindow === admission.windowStart ? delta : Math.max(0, delta);
    const p = periods(now);
    const keys = this.keys(admission.keyId, tokenWindow, p);
    try {
      await this.eval(SETTLE, [keys.tokens, keys.day, keys.month], [tokenDelta, toNano(usage.costUsd), WINDOW_TTL_MS]);
      return true;
    } catch (e) {
      if (!asUnavailable(e)) throw e;
      this.log.warn(`settling a request of key ${admission.keyId} failed (${e instanceof Error ? e.message : String(e)}): its spend is counted again from Postgres once the counter is re-seeded`);
      return false;
    }
  }

  /** A key's effective limits: its overrides (cached in process ≤ 30 s) over the defaults. */
  async limitsFor(keyId: string): Promise<KeyLimitValues> {
    const now = this.now();
    const hit = this.cache.get(keyId);
    if (hit && hit.expiresAt > now) return hit.limits;
    let row;
    try {
      row = await this.keyLimits.get(keyId);
    } catch (e) {
      throw asUnavailable(e, 'postgres') ?? e;
    }
    const d = this.options.defaults;
    const limits: KeyLimitValues = {
      rpm: row?.rpm ?? d.rpm,
      tpm: row?.tpm ?? d.tpm,
      dailyBudgetUsd: row?.dailyBudgetUsd ?? d.dailyBudgetUsd,
      monthlyBudgetUsd: row?.monthlyBudgetUsd ?? d.monthlyBudgetUsd,
    };
    this.cache.delete(keyId);
    if (this.cache.size >= MAX_CACHED_KEYS) this.cache.delete(this.cache.keys().next().value as string);
    if (this.cacheMs > 0) this.cache.set(keyId, { limits, expiresAt: now + this.cacheMs });
    return limits;
  }

  /** Forgets this process's cached overrides of a key (after changing them here). */
  invalidate(keyId: string): void {
    this.cache.delete(keyId);
  }

  private keys(keyId: string, windowStart: number, p: ReturnType<typeof periods>) {
    // one hash tag per API key: every key a script touches lives in the same cluster slot
    const base = `${this.options.prefix}:multimodal:limits:{${keyId}}`;
    const minute = Math.floor(windowStart / MINUTE_MS);
    return { requests: `${base}:rpm:${minute}`, tokens: `${base}:tpm:${minute}`, day: `${base}:usd:day:${p.day.id}`, month: `${base}:usd:month:${p.month.id}` };
  }

  /** Sets a missing spend counter to what Postgres says the key spent in the period (unless another process just did). */
  private async seed(keyId: string, period: 'day' | 'month', key: string, p: { start: number; end: number }, now: number): Promise<void> {
    let spent: number;
    try {
      spent = await this.billing.spentUsd(keyId, new Date(p.start));
    } catch (e) {
      throw asUnavailable(e, 'postgres') ?? e;
    }
    try {
      await this.redis.set(key, String(toNano(spent)), 'PX', Math.max(1, p.end - now + DAY_MS), 'NX');
    } catch (e) {
      throw asUnavailable(e, 'redis') ?? e;
    }
    this.log.debug(`seeded the ${period} spend of key ${keyId} from Postgres: $${spent}`);
  }

  private async eval(s: Script, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      try {
        return await this.redis.evalsha(s.sha, keys.length, ...keys, ...args);
      } catch (e) {
        if (e instanceof Error && e.message.startsWith('NOSCRIPT')) return await this.redis.eval(s.lua, keys.length, ...keys, ...args);
        throw e;
      }
    } catch (e) {
      throw asUnavailable(e, 'redis') ?? e;
    }
  }
}
