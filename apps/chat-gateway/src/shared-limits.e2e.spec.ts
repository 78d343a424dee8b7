import type { ChildProcess } from 'node:child_process';
import OpenAI from 'openai';
import { KeyLimitsRepository } from '@frontier/multimodal-data-access';
import { startWorld, type GatewayWorld } from './testing/gateway-harness';
import { spawnApp } from './testing/processes';

const spawnGateway = (env: Record<string, string>) => spawnApp('apps/chat-gateway/src/main.ts', env);

describe('two chat-gateway processes share one per-key rate limit through Redis (loopback upstream stands in for a hosted LLM; real Postgres + Redis)', () => {
  let world: GatewayWorld;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    world = await startWorld('shared');
    const inProcess = await world.start(); // creates the tenant and key; also migrates the database
    await inProcess.app.get(KeyLimitsRepository).set(world.tenantId, world.keyId, { rpm: 4, tpm: null, dailyBudgetUsd: null, monthlyBudgetUsd: null });
  }, 60_000);
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await world.close();
  });

  it('lets exactly the key’s RPM through across both processes; the rest get the SDK’s RateLimitError with OpenAI’s headers', async () => {
    const env = {
      DATABASE_URL: world.db.url,
      REDIS_URL: world.redis.url,
      REDIS_PREFIX: world.redis.prefix,
      UPSTREAM_BASE_URL: world.llm.baseUrl,
      UPSTREAM_MODEL: world.llm.model,
      ENCODERS: 'inline',
      ENCODER_OCR: 'false',
      ENCODER_NSFW: 'false',
      GATEWAY_IMAGE_SAFETY: 'false',
      RATE_LIMIT_PER_KEY: '100000',
    };
    const [a, b] = await Promise.all([spawnGateway(env), spawnGateway(env)]);
    children.push(a.child, b.child);
    const clients = [a, b].map((g) => new OpenAI({ apiKey: world.key, baseURL: `${g.url}/v1`, maxRetries: 0 }));
    // the windows are fixed UTC minutes: keep the 8 requests inside one
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        clients[i % 2].chat.completions.create({ model: world.llm.model, messages: [{ role: 'user', content: `hello ${i}` }] }).then(
          () => 'ok',
          (e: unknown) => e,
        ),
      ),
    );
    const ok = results.filter((r) => r === 'ok').length;
    const limited = results.filter((r): r is InstanceType<typeof OpenAI.RateLimitError> => r instanceof OpenAI.RateLimitError);
    expect({ ok, limited: limited.length }).toEqual({ ok: 4, limited: 4 });
    const e = limited[0];
    expect(e.status).toBe(429);
    expect(e.code).toBe('rate_limit_exceeded');
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(e.headers?.get('x-ratelimit-limit-requests')).toBe('4');
    expect(e.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
  }, 180_000);
});
