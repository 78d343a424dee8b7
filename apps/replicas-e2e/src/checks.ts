/**
 * What "stateless replicas" means, as checks on a running fleet: each sends its traffic to replica
 * A and replica B in turn and asserts that what one replica did, the other sees.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the suite stands in for the training job (no HTTP route registers a model version): it builds a version as training does
import { RECSYS_MODEL_KIND } from '@frontier/recsys-contracts';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { MODEL_INPUT_DIMS, MODEL_INPUT_LAYOUT, serializeModel, TwoTowerModel } from '@frontier/recsys-domain';
import { call, SyncDevice, until, type Reply } from './client';
import type { Fleet, Pair } from './fleet/fleet';
import type { Keys } from './fleet/services';

export interface World {
  fleet: Fleet;
  keys: Keys;
  dbUrl: string;
}

const chat = (text: string) => ({ model: 'replica-llm', max_tokens: 8, messages: [{ role: 'user', content: text }] });
const both = <T>(pair: Pair, fn: (base: string, side: 'A' | 'B') => Promise<T>) => Promise.all([fn(pair[0].base, 'A'), fn(pair[1].base, 'B')]);
const describeReply = (r: Reply) => `${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;

/** Waits out the last seconds of a UTC minute, so a per-minute window cannot roll over mid-check. */
async function freshMinute(needS: number): Promise<void> {
  const left = 60 - new Date().getUTCSeconds();
  if (left < needS) await new Promise((r) => setTimeout(r, left * 1000 + 200));
}

/** The platform's per-key limit: one counter in Redis for every replica of every app. */
export async function platformLimitShared(w: World): Promise<void> {
  await freshMinute(10);
  const { memory, recsys, gateway } = w.fleet;
  const steps = [
    () => call(memory[0].base, 'GET', '/v1/memories?user_id=limits', { key: w.keys.main }),
    () => call(memory[1].base, 'GET', '/v1/memories?user_id=limits', { key: w.keys.main }),
    () => call(recsys[0].base, 'POST', '/v1/recommendations', { key: w.keys.main, body: { user: 'limits', surface: 'home', k: 3 } }),
    () => call(gateway[1].base, 'GET', '/v1/models', { key: w.keys.main }),
  ];
  const remaining: number[] = [];
  for (const step of steps) {
    const r = await step();
    expect([r.status, r.headers.get('x-ratelimit-limit')]).toEqual([200, '600']);
    remaining.push(Number(r.headers.get('x-ratelimit-remaining')));
  }
  const first = remaining[0] as number;
  expect(remaining).toEqual([first, first - 1, first - 2, first - 3]);
}

/** The gateway's per-key RPM override: N requests over A and B pass, the next one on either is refused. */
export async function multimodalRpmShared(w: World): Promise<void> {
  const { gateway } = w.fleet;
  const { key, limit } = w.keys.rpm;
  await freshMinute(20);
  for (let i = 0; i < limit; i++) {
    const r = await call(gateway[i % 2].base, 'POST', '/v1/chat/completions', { key, body: chat(`hello ${i}`) });
    expect([i, r.status]).toEqual([i, 200]);
  }
  const refused = await both(gateway, (base) => call(base, 'POST', '/v1/chat/completions', { key, body: chat('one too many') }));
  for (const r of refused) {
    expect([r.status, r.body?.error?.code]).toEqual([429, 'rate_limit_exceeded']);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  }
}

/** The gateway's daily budget: spent through A, B refuses (and A too). */
export async function multimodalBudgetShared(w: World): Promise<void> {
  const { gateway } = w.fleet;
  const { key } = w.keys.budget;
  const first = await call(gateway[0].base, 'POST', '/v1/chat/completions', { key, body: chat('spend the budget') });
  expect(describeReply(first)).toMatch(/^200 /);
  // the spend is settled when the answer ends: B sees it at once or within moments, never a second admission after that
  let admittedOnB = 0;
  const onB = await until('B to refuse the spent budget', async () => {
    const r = await call(gateway[1].base, 'POST', '/v1/chat/completions', { key, body: chat('after the budget') });
    if (r.status === 200) admittedOnB++;
    return r.status === 429 ? r : undefined;
  }, 5_000, 200);
  expect(admittedOnB).toBeLessThanOrEqual(1);
  const onA = await call(gateway[0].base, 'POST', '/v1/chat/completions', { key, body: chat('and on A') });
  for (const r of [onB, onA]) {
    expect([r.status, r.body?.error?.code]).toEqual([429, 'insufficient_quota']);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  }
}

async function addMemory(base: string, key: string, user: string, text: string): Promise<string> {
  const r = await call(base, 'POST', '/mem0/v3/memories/add', { key, body: { user_id: user, messages: [{ role: 'user', content: text }], infer: false } });
  expect(describeReply(r)).toMatch(/^200 /);
  return (r.body as Array<{ id: string }>)[0]?.id as string;
}

export async function searchIds(base: string, key: string, user: string, query: string): Promise<Reply & { ids: string[] }> {
  const r = await call(base, 'POST', '/v1/memories/search', { key, body: { user_id: user, query, limit: 10 } });
  const ids = r.status === 200 ? (r.body.results as Array<{ id: string }>).map((m) => m.id) : [];
  return { ...r, ids };
}

/** A memory written through A is found through B's embedded index; deleted through B, A stops returning it. */
export async function memoryChangesReachBoth(w: World, user = `mem-${randomUUID().slice(0, 8)}`): Promise<void> {
  const [a, b] = w.fleet.memory;
  const key = w.keys.main;
  const q = 'what instrument do I play';
  // both replicas load the user's index copy first (resident), so what follows needs the change bus
  const warm = await both(w.fleet.memory, (base) => searchIds(base, key, user, q));
  expect(warm.map((r) => [r.status, r.ids])).toEqual([[200, []], [200, []]]);
  const id = await addMemory(a.base, key, user, 'I play the cello in a community orchestra');
  await until('B to find the memory written through A', async () => (await searchIds(b.base, key, user, q)).ids.includes(id), 5_000);
  const del = await call(b.base, 'DELETE', `/v1/memories/${id}?user_id=${user}`, { key });
  expect([202, 204]).toContain(del.status);
  await until('A to stop returning the memory deleted through B', async () => !(await searchIds(a.base, key, user, q)).ids.includes(id), 5_000);
  expect((await searchIds(b.base, key, user, q)).ids).not.toContain(id);
}

/** A sync device connected to one replica is pushed the change made through the other (both ways). */
export async function syncAcrossReplicas(w: World): Promise<void> {
  const [a, b] = w.fleet.memory;
  const key = w.keys.main;
  const user = `sync-${randomUUID().slice(0, 8)}`;
  const onA = new SyncDevice('device-on-a');
  const onB = new SyncDevice('device-on-b');
  try {
    await onA.connect(a.base, user, key);
    await onB.connect(b.base, user, key);
    const viaB = await addMemory(b.base, key, user, 'I keep bees in my garden');
    await until('the device on A to get the change made through B', async () => onA.changes.get(viaB) === 'I keep bees in my garden', 10_000);
    const viaA = await addMemory(a.base, key, user, 'I brew kombucha at home');
    await until('the device on B to get the change made through A', async () => onB.changes.get(viaA) === 'I brew kombucha at home', 10_000);
  } finally {
    await onA.close();
    await onB.close();
  }
}

async function registerVersion(dbUrl: string, tenantId: string, version: number): Promise<string> {
  const id = randomUUID();
  const weights = Buffer.from(serializeModel(new TwoTowerModel({ ...MODEL_INPUT_DIMS }, version), { layout: MODEL_INPUT_LAYOUT }));
  const c = new Client({ connectionString: dbUrl });
  await c.connect();
  try {
    await c.query(`INSERT INTO recsys_model_versions (id, tenant_id, kind, version, state, weights) VALUES ($1, $2, $3, $4, 'candidate', $5)`, [id, tenantId, RECSYS_MODEL_KIND, version, weights]);
  } finally {
    await c.end();
  }
  return id;
}

/** A version promoted (or rolled back) through one replica's admin route is served by both within seconds, no restart. */
export async function recsysPromotionReachesBoth(w: World): Promise<void> {
  const { recsys, adminToken } = w.fleet;
  const key = w.keys.main;
  const items = Array.from({ length: 12 }, (_, i) => ({ id: `item-${i}`, creator: `creator-${i % 4}`, category: ['news', 'music', 'sport'][i % 3], text: `story ${i}`, embedding: Array.from({ length: 8 }, (_, d) => (d === i % 8 ? 1 : 0.1)) }));
  const put = await call(recsys[0].base, 'PUT', '/v1/items', { key, body: { items } });
  expect(describeReply(put)).toMatch(/^200 /);
  let seen: string[] = [];
  const served = (base: string) => call(base, 'POST', '/v1/recommendations', { key, body: { user: 'reader', surface: 'home', k: 4 } }).then((r) => (r.status === 200 ? String(r.body.model_version) : `HTTP ${describeReply(r)}`));
  const servedEverywhere = (version: string, what: string, timeoutMs = 5_000) =>
    until(`both replicas to serve ${what}`, async () => (seen = await both(recsys, served)).every((v) => v === version), timeoutMs, 100, () => JSON.stringify(seen));
  // the reader's clicks (through B) become features (recsys-worker): from then on A and B rank them personalised, with the live model or without one
  const clicks = items.filter((it) => it.category === 'music').map((it, i) => ({ event_id: `click-${i}`, user_id: 'reader', item_id: it.id, type: 'click', surface: 'home' }));
  expect(describeReply(await call(recsys[1].base, 'POST', '/v1/events', { key, body: { events: clicks } }))).toMatch(/^200 /);
  await servedEverywhere('fallback', 'the fallback policy to the reader (no live version yet)', 30_000);
  const v1 = await registerVersion(w.dbUrl, w.keys.tenantId, 1);
  const v2 = await registerVersion(w.dbUrl, w.keys.tenantId, 2);
  const admin = (base: string, path: string) => call(base, 'POST', `/v1/admin/tenants/${w.keys.tenantId}/models/${path}`, { key: adminToken, body: { reason: 'replica suite', force: true } });

  expect(describeReply(await admin(recsys[0].base, '1/promote'))).toMatch(/^200 /);
  await servedEverywhere(v1, 'v1 (promoted through A)');
  expect(describeReply(await admin(recsys[1].base, '2/promote'))).toMatch(/^200 /);
  await servedEverywhere(v2, 'v2 (promoted through B)');
  expect(describeReply(await admin(recsys[0].base, 'rollback'))).toMatch(/^200 /);
  await servedEverywhere(v1, 'v1 again (rolled back through A)');
}
