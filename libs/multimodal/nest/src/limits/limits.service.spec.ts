import fc from 'fast-check';
import { Redis } from 'ioredis';
import { BillingRepository, KeyLimitsRepository } from '@frontier/multimodal-data-access';
import { requestPathRedisOptions } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { createRedis, scanKeys, type RedisClient } from '@frontier/platform-redis';
import { createTestDatabase, createTestRedisOn, REDIS_MODES, startRedisMode, type RedisModeServer, type TestDatabase, type TestRedisOn } from '@frontier/platform-testing';
import { FrontierError, InvalidInputError } from '@frontier/platform-util';
import { rateLimitHeaders } from './headers';
import { LimitsService, type Admission, type KeyLimitValues } from './limits.service';
import { openAiRateLimitBody, RateLimitedError } from './rate-limited.error';

const NONE: KeyLimitValues = { rpm: 0, tpm: 0, dailyBudgetUsd: 0, monthlyBudgetUsd: 0 };
// 10:00:15 UTC: 45 s left in the minute window
const T0 = Date.parse('2026-11-20T10:00:15.000Z');

describe.each(REDIS_MODES)('LimitsService: limits shared by gateway replicas through Redis (real %s Redis + Postgres)', (mode) => {
  let server: RedisModeServer;
  let db: TestDatabase;
  let prisma: PrismaService;
  let redis: TestRedisOn;
  let tenantId: string;
  let n = 0;
  const clients: RedisClient[] = [];
  let clock = T0;

  /** A fresh API key (its own Redis counters). */
  const newKey = async () => (await prisma.apiKey.create({ data: { tenantId, name: `k${++n}`, prefix: `mmlimits${n}`, secretHash: 'h' } })).id;

  /** One gateway replica: its own Redis connection and its own in-process caches. */
  const replica = async (defaults: Partial<KeyLimitValues>, extra: { redis?: RedisClient; cacheMs?: number } = {}) => {
    let client = extra.redis;
    if (!client) {
      // the gateway's request-path client (no offline queue), connected as the platform's provider does at start
      client = createRedis(redis.target, { ...requestPathRedisOptions(1_000), lazyConnect: true });
      await client.connect();
    }
    clients.push(client);
    return new LimitsService(client, new KeyLimitsRepository(prisma), new BillingRepository(prisma), {
      prefix: redis.prefix,
      defaults: { ...NONE, ...defaults },
      now: () => clock,
      ...(extra.cacheMs !== undefined ? { keyLimitsCacheMs: extra.cacheMs } : {}),
    });
  };

  const refusal = async (p: Promise<unknown>): Promise<RateLimitedError> => {
    try {
      await p;
    } catch (e) {
      if (e instanceof RateLimitedError) return e;
      throw e;
    }
    throw new Error('admitted, expected a refusal');
  };

  beforeAll(async () => {
    db = await createTestDatabase('multimodal_limits');
    server = await startRedisMode(mode);
    redis = await createTestRedisOn(server.target, 'mmlimits');
    prisma = new PrismaService({ databaseUrl: db.url });
    await prisma.onModuleInit();
    tenantId = (await prisma.tenant.create({ data: { name: 'acme' } })).id;
  }, 60_000);

  beforeEach(() => {
    clock = T0;
  });

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await redis.cleanup();
    await prisma.onModuleDestroy();
    await db.drop();
    await server.dispose();
  });

  it('two replicas share one RPM limit: 10 concurrent admits with rpm=5 → exactly 5 admitted, the rest refused with 429 details', async () => {
    const keyId = await newKey();
    const a = await replica({ rpm: 5 });
    const b = await replica({ rpm: 5 });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).admit({ tenantId, keyId, estimatedTokens: 10 })));
    const admitted = results.filter((r): r is PromiseFulfilledResult<Admission> => r.status === 'fulfilled').map((r) => r.value);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as RateLimitedError);
    expect(admitted).toHaveLength(5);
    expect(admitted.map((x) => x.requests?.remaining).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(refused).toHaveLength(5);
    for (const e of refused) {
      expect(e).toBeInstanceOf(RateLimitedError);
      expect(e).toMatchObject({ kind: 'requests', limit: 5, remaining: 0, retryAfterS: 45, resetAt: new Date('2026-11-20T10:01:00.000Z'), used: 5, requested: 1 });
      expect(e.getStatus()).toBe(429);
    }
    const [e0] = refused;
    if (!e0) throw new Error('expected refusals');
    expect(openAiRateLimitBody(e0)).toEqual({
      error: {
        message: 'Rate limit reached for this API key on requests per min (RPM): Limit 5, Used 5, Requested 1. Please try again in 45s.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect(rateLimitHeaders(e0, clock)).toEqual({
      'x-ratelimit-limit-requests': '5',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '45s',
      'retry-after': '45',
    });
    // the next minute is a new window
    clock = Date.parse('2026-11-20T10:01:00.000Z');
    expect((await a.admit({ tenantId, keyId, estimatedTokens: 10 })).requests).toEqual({ limit: 5, remaining: 4, resetAt: new Date('2026-11-20T10:02:00.000Z') });
  }, 30_000);

  it('TPM: a reservation on one replica blocks the other; settling corrects it to the actual tokens', async () => {
    const keyId = await newKey();
    const a = await replica({ tpm: 1000 });
    const b = await replica({ tpm: 1000 });
    const first = await a.admit({ tenantId, keyId, estimatedTokens: 800 });
    expect(first.tokens).toEqual({ limit: 1000, remaining: 200, resetAt: new Date('2026-11-20T10:01:00.000Z') });
    expect(rateLimitHeaders(first, clock)).toEqual({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '200', 'x-ratelimit-reset-tokens': '45s' });

    clock += 2_500;
    const e = await refusal(b.admit({ tenantId, keyId, estimatedTokens: 300 }));
    expect(e).toMatchObject({ kind: 'tokens', limit: 1000, remaining: 200, used: 800, requested: 300, retryAfterS: 43 });
    expect(openAiRateLimitBody(e).error).toMatchObject({ type: 'tokens', code: 'rate_limit_exceeded' });
    expect(rateLimitHeaders(e, clock)['x-ratelimit-reset-tokens']).toBe('42.5s');

    // the request used 100 tokens, not 800: the 700 come back, on every replica
    expect(await a.settle(first, { actualTokens: 100, costUsd: 0 })).toBe(true);
    const second = await b.admit({ tenantId, keyId, estimatedTokens: 300 });
    expect(second.tokens?.remaining).toBe(600);
    // an underestimate counts too: 300 reserved, 900 used → 1000 of 1000
    await b.settle(second, { actualTokens: 900, costUsd: 0 });
    expect((await refusal(a.admit({ tenantId, keyId, estimatedTokens: 1 }))).used).toBe(1000);
  }, 30_000);

  it('settled after its window: the old reservation lapsed with the window, an excess counts in the current one', async () => {
    const keyId = await newKey();
    const a = await replica({ tpm: 1000 });
    const early = await a.admit({ tenantId, keyId, estimatedTokens: 500 });
    const under = await a.admit({ tenantId, keyId, estimatedTokens: 100 });
    clock = Date.parse('2026-11-20T10:01:05.000Z');
    await a.settle(early, { actualTokens: 900, costUsd: 0 });
    await a.settle(under, { actualTokens: 10, costUsd: 0 });
    expect((await a.admit({ tenantId, keyId, estimatedTokens: 0 })).tokens?.remaining).toBe(600);
    // a request larger than the whole limit can never run: "Request too large"
    const tooLarge = await refusal(a.admit({ tenantId, keyId, estimatedTokens: 5000 }));
    expect(openAiRateLimitBody(tooLarge).error.message).toMatch(/^Request too large for this API key on tokens per min \(TPM\): Limit 1000, Requested 5000\./);
  }, 30_000);

  it('budget: spent → kind budget (insufficient_quota) on every replica until the next UTC day; nothing counted', async () => {
    const keyId = await newKey();
    const a = await replica({ rpm: 100, dailyBudgetUsd: 0.01 });
    const b = await replica({ rpm: 100, dailyBudgetUsd: 0.01 });
    const first = await a.admit({ tenantId, keyId, estimatedTokens: 10 });
    expect(first.budgets).toEqual([{ period: 'day', limitUsd: 0.01, spentUsd: 0, resetAt: new Date('2026-11-21T00:00:00.000Z') }]);
    const second = await b.admit({ tenantId, keyId, estimatedTokens: 10 });
    await a.settle(first, { actualTokens: 10, costUsd: 0.006 });
    await b.settle(second, { actualTokens: 10, costUsd: 0.004 });

    clock = Date.parse('2026-11-20T23:59:30.000Z');
    for (const r of [a, b]) {
      const e = await refusal(r.admit({ tenantId, keyId, estimatedTokens: 10 }));
      expect(e).toMatchObject({ kind: 'budget', period: 'day', limit: 0.01, remaining: 0, used: 0.01, requested: 0, retryAfterS: 30, resetAt: new Date('2026-11-21T00:00:00.000Z') });
      expect(openAiRateLimitBody(e)).toEqual({
        error: {
          message: 'You exceeded your current quota: the daily budget of $0.0100 for this API key is spent ($0.0100 used). It resets at 2026-11-21T00:00:00.000Z.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      });
      expect(rateLimitHeaders(e, clock)['retry-after']).toBe('30');
    }
    // the next UTC day: a fresh budget
    clock = Date.parse('2026-11-21T00:00:00.000Z');
    expect((await a.admit({ tenantId, keyId, estimatedTokens: 10 })).budgets[0]).toMatchObject({ spentUsd: 0, resetAt: new Date('2026-11-22T00:00:00.000Z') });
  }, 30_000);

  it('a monthly budget, and spend seeded from Postgres: a Redis emptied mid-month does not reset a budget', async () => {
    const keyId = await newKey();
    const billing = new BillingRepository(prisma);
    // spent earlier this month (stored billing events; one not yet expanded) and last month (not counted)
    const line = (costUsd: number) => [{ modality: 'text' as const, direction: 'input' as const, unit: 'tokens' as const, units: 1, tokens: 1, costUsd }];
    await billing.insertEvent({ requestId: `seed-${keyId}-1`, tenantId, keyId, model: 'm', status: 'completed', at: '2026-11-02T00:00:00Z', lines: line(3) });
    await billing.insertEvent({ requestId: `seed-${keyId}-2`, tenantId, keyId, model: 'm', status: 'completed', at: '2026-11-19T08:00:00Z', lines: line(1.5) });
    await billing.insertEvent({ requestId: `seed-${keyId}-3`, tenantId, keyId, model: 'm', status: 'completed', at: '2026-10-31T23:00:00Z', lines: line(100) });
    const a = await replica({ monthlyBudgetUsd: 5, dailyBudgetUsd: 2 });
    const ok = await a.admit({ tenantId, keyId, estimatedTokens: 1 });
    expect(ok.budgets).toEqual([
      { period: 'day', limitUsd: 2, spentUsd: 0, resetAt: new Date('2026-11-21T00:00:00.000Z') },
      { period: 'month', limitUsd: 5, spentUsd: 4.5, resetAt: new Date('2026-12-01T00:00:00.000Z') },
    ]);
    await billing.insertEvent({ requestId: `seed-${keyId}-4`, tenantId, keyId, model: 'm', status: 'completed', at: new Date(clock).toISOString(), lines: line(0.5) });
    await a.settle(ok, { actualTokens: 1, costUsd: 0.5 });
    expect((await refusal(a.admit({ tenantId, keyId, estimatedTokens: 1 }))).toString()).toMatch(/monthly budget of \$5\.00 for this API key is spent \(\$5\.00 used\)/);

    // Redis restarts empty: the counters come back from Postgres on the next admission
    const spendKeys: string[] = [];
    await scanKeys(redis.client, `${redis.prefix}:multimodal:limits:{${keyId}}:usd:*`, async (keys) => void spendKeys.push(...keys));
    expect(spendKeys.sort()).toEqual([`${redis.prefix}:multimodal:limits:{${keyId}}:usd:day:2026-11-20`, `${redis.prefix}:multimodal:limits:{${keyId}}:usd:month:2026-11`]);
    await redis.client.del(...spendKeys);
    const e = await refusal((await replica({ monthlyBudgetUsd: 5 })).admit({ tenantId, keyId, estimatedTokens: 1 }));
    expect(e).toMatchObject({ kind: 'budget', period: 'month', used: 5, retryAfterS: Math.ceil((Date.parse('2026-12-01T00:00:00Z') - clock) / 1000) });
  }, 30_000);

  it('per-key overrides from multimodal_key_limits (0 = unlimited), cached for at most 30 s', async () => {
    const keyId = await newKey();
    const limits = new KeyLimitsRepository(prisma);
    await limits.set(tenantId, keyId, { rpm: 2, tpm: 0 });
    const a = await replica({ rpm: 100, tpm: 50 });
    expect(await a.limitsFor(keyId)).toEqual({ rpm: 2, tpm: 0, dailyBudgetUsd: 0, monthlyBudgetUsd: 0 });
    const first = await a.admit({ tenantId, keyId, estimatedTokens: 10_000 });
    expect(first.tokens).toBeNull();
    expect(rateLimitHeaders(first, clock)).toEqual({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '45s' });
    await a.admit({ tenantId, keyId, estimatedTokens: 1 });
    expect((await refusal(a.admit({ tenantId, keyId, estimatedTokens: 1 }))).limit).toBe(2);

    await limits.set(tenantId, keyId, { rpm: null });
    clock += 29_000;
    expect((await a.limitsFor(keyId)).rpm).toBe(2);
    clock += 1_000;
    expect(await a.limitsFor(keyId)).toEqual({ rpm: 100, tpm: 0, dailyBudgetUsd: 0, monthlyBudgetUsd: 0 });
    // unlimited everything: admitted, no headers
    const free = await (await replica({})).admit({ tenantId, keyId: await newKey(), estimatedTokens: 1e9 });
    expect([free.requests, free.tokens, free.budgets, rateLimitHeaders(free)]).toEqual([null, null, [], {}]);
  }, 30_000);

  it('token counts: a fractional estimate is rounded up, a negative one refused (naming the field)', async () => {
    const a = await replica({ tpm: 100 });
    const keyId = await newKey();
    expect((await a.admit({ tenantId, keyId, estimatedTokens: 10.2 })).estimatedTokens).toBe(11);
    await expect(a.admit({ tenantId, keyId, estimatedTokens: -1 })).rejects.toMatchObject({ field: 'estimatedTokens' });
    await expect(a.admit({ tenantId, keyId, estimatedTokens: Number.NaN })).rejects.toBeInstanceOf(InvalidInputError);
  }, 30_000);

  it('Redis unreachable: admit fails as a typed 503 (redis.unavailable, Retry-After); settle reports false and does not throw', async () => {
    const keyId = await newKey();
    const dead = new Redis('redis://127.0.0.1:1', { ...requestPathRedisOptions(300), lazyConnect: true });
    dead.on('error', () => undefined);
    const a = await replica({ rpm: 5 }, { redis: dead });
    let caught: unknown;
    try {
      await a.admit({ tenantId, keyId, estimatedTokens: 1 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FrontierError);
    expect(caught).toMatchObject({ category: 'unavailable', code: 'redis.unavailable', retryAfterS: 2 });
    const admission = await (await replica({ rpm: 5 })).admit({ tenantId, keyId, estimatedTokens: 1 });
    expect(await a.settle(admission, { actualTokens: 1, costUsd: 0.1 })).toBe(false);
  }, 30_000);

  it('property: any burst across two replicas admits exactly min(requests, rpm), and never more tokens than tpm', async () => {
    const a = await replica({});
    const b = await replica({});
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 20 }), fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 16 }), async (rpm, tpm, estimates) => {
        const keyId = await newKey();
        await new KeyLimitsRepository(prisma).set(tenantId, keyId, { rpm, tpm: tpm * 10 });
        const results = await Promise.allSettled(estimates.map((est, i) => (i % 2 ? a : b).admit({ tenantId, keyId, estimatedTokens: est })));
        const admitted = results.filter((r): r is PromiseFulfilledResult<Admission> => r.status === 'fulfilled').map((r) => r.value);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RateLimitedError);
        expect(admitted.length).toBeLessThanOrEqual(rpm);
        if (tpm === 0) expect(admitted.length).toBe(Math.min(estimates.length, rpm));
        else expect(admitted.reduce((s, x) => s + x.estimatedTokens, 0)).toBeLessThanOrEqual(tpm * 10);
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
