import { randomBytes } from 'node:crypto';
import { call, head, ok, startHttpApp, start, until, type DemoContext } from '../lib';

const ADMIN_TOKEN = randomBytes(24).toString('hex');

/** platform-api + platform-worker: a tenant, a key, auth, validation, a job, metrics, docs. */
export async function platform(ctx: DemoContext): Promise<void> {
  head('Platform API + worker (real processes)');
  const base = await startHttpApp('platform-api', 'apps/platform-api/src/main.ts', { ADMIN_TOKEN });
  start('platform-worker', 'apps/platform-worker/src/main.ts', {});
  ok(`GET /readyz → ${JSON.stringify((await call(base, 'GET', '/readyz')).body)}`);
  const tenant = await call(base, 'POST', '/v1/tenants', { name: `demo-${randomBytes(3).toString('hex')}` }, ADMIN_TOKEN);
  ok(`POST /v1/tenants → ${tenant.status} tenant ${tenant.body['name']} (${tenant.body['id']})`);
  const bad = await call(base, 'POST', '/v1/tenants', { name: 'Bad Name!', plan: 'gold' }, ADMIN_TOKEN);
  ok(`POST /v1/tenants with bad input → ${bad.status} ${JSON.stringify(bad.body['message'])}`);
  const key = await call(base, 'POST', `/v1/tenants/${tenant.body['id']}/api-keys`, { name: 'demo', scopes: ['memory:*', 'multimodal:*', 'recsys:*'] }, ADMIN_TOKEN);
  const apiKey = key.body['key'] as string;
  ok(`POST /v1/tenants/:id/api-keys → ${key.status} key ${apiKey.slice(0, 16)}… (shown once, stored hashed)`);
  const me = await call(base, 'GET', '/v1/me', undefined, apiKey);
  ok(`GET /v1/me with the key → ${me.status} ${JSON.stringify(me.body)}`);
  const used = await until('the worker to record key use', async () => {
    const keys = await call(base, 'GET', `/v1/tenants/${tenant.body['id']}/api-keys`, undefined, ADMIN_TOKEN);
    return (keys.body as unknown as Array<{ lastUsedAt: string | null }>)[0]?.lastUsedAt ?? undefined;
  });
  ok(`platform-worker processed the api-key-used job: lastUsedAt = ${used}`);
  const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
  ok(`GET /metrics → ${metrics.split('\n').filter((l) => l.startsWith('http_request_duration_seconds_count')).length} route series timed`);
  ok(`GET /docs → ${(await fetch(`${base}/docs`)).status} (OpenAPI UI; JSON at /docs-json)`);
  ctx.tenantId = tenant.body['id'] as string;
  ctx.adminToken = ADMIN_TOKEN;
  ctx.apiKey = apiKey;
}
