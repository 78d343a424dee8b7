/**
 * Phase 2: memory-api B, in its own network namespace, loses its link to Redis for a while (the
 * host end of the veth pair goes down: packets dropped, connections hang as on a real partition).
 * While cut, B answers every request within bounds — a 503 with Retry-After for what needs Redis,
 * a 200 for what does not — never a 500, never a hang; A keeps working. Once the link is back, B
 * recovers and finds what was written through A meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { call, until, type Reply } from './client';
import { searchIds, type World } from './checks';
import type { Netns } from './fleet/netns';

const CUT_MS = 6_000;
/**
 * Longest answer accepted while cut. A request that needs Redis waits at most the Redis command
 * timeout (1 s) per Redis call it makes; on a loaded two-core machine a write takes seconds even
 * with Redis up, so the bound is far from a hang rather than tight.
 */
const BOUND_MS = 15_000;

const add = (base: string, key: string, user: string, text: string) =>
  call(base, 'POST', '/mem0/v3/memories/add', { key, body: { user_id: user, messages: [{ role: 'user', content: text }], infer: false }, timeoutMs: 30_000 });

/** 'ok', or what was wrong with an answer given while cut: a 5xx other than 503, a 503 without Retry-After, no answer, too slow. */
function judged(r: Reply, what: string): string {
  const late = r.ms > BOUND_MS ? ` after ${Math.round(r.ms)} ms` : '';
  if (r.status === 503) return r.headers.get('retry-after') && !late ? 'ok' : `${what}: 503${r.headers.get('retry-after') ? '' : ' without Retry-After'}${late}`;
  if (r.status >= 200 && r.status < 300 && !late) return 'ok';
  return `${what}: ${r.status || 'no answer'}${late} ${JSON.stringify(r.body).slice(0, 200)}`;
}

export async function redisLinkCut(w: World, ns: Netns): Promise<void> {
  const [a, b] = w.fleet.memory;
  const key = w.keys.main;
  const user = `cut-${randomUUID().slice(0, 8)}`;
  const q = 'where do I live';
  const before = await add(a.base, key, user, 'I live in Lisbon');
  expect(before.status).toBe(200);
  const beforeId = (before.body as Array<{ id: string }>)[0]?.id as string;
  // B holds the user's index copy (resident) when the link goes
  await until('B to find the memory written before the cut', async () => (await searchIds(b.base, key, user, q)).ids.includes(beforeId), 5_000);

  ns.down('redis');
  const problems: string[] = [];
  const tally: Record<string, number> = {};
  const written: string[] = [];
  let cutUntil = Date.now() + CUT_MS;
  try {
    for (let i = 0; Date.now() < cutUntil; i++) {
      const [onB, searchB, readyB, onA] = await Promise.all([
        add(b.base, key, user, `note ${i} written through B while it is cut off`),
        searchIds(b.base, key, user, q),
        call(b.base, 'GET', '/readyz'),
        add(a.base, key, user, `I moved to Porto in year ${2030 + i}`),
      ]);
      problems.push(judged(onB, `B add #${i}`), judged(searchB, `B search #${i}`), judged(readyB, `B /readyz #${i}`));
      for (const [k, r] of Object.entries({ 'B add': onB, 'B search': searchB, 'B /readyz': readyB })) tally[`${k} ${r.status}`] = (tally[`${k} ${r.status}`] ?? 0) + 1;
      if (onA.status !== 200) problems.push(`A add #${i}: ${onA.status} ${JSON.stringify(onA.body).slice(0, 200)}`);
      else written.push((onA.body as Array<{ id: string }>)[0]?.id as string);
    }
  } finally {
    ns.up('redis');
    cutUntil = Date.now();
  }
  console.log(`while B's Redis link was down (${CUT_MS} ms): ${JSON.stringify(tally)}; ${written.length} memories written through A`);
  expect(problems.filter((p) => p !== 'ok')).toEqual([]);
  // the cut was real: B's readiness said so (a load balancer takes it out) while its routes kept answering
  expect(tally['B /readyz 503']).toBeGreaterThan(0);
  expect(written.length).toBeGreaterThan(0);

  // back: B is ready again, writes again, and its index has what A wrote meanwhile
  await until('B /readyz 200 after the link is back', async () => (await call(b.base, 'GET', '/readyz')).status === 200, 30_000, 250);
  await until('B to write again', async () => (await add(b.base, key, user, 'I am back online')).status === 200, 30_000, 500);
  const seen = await until('B to find every memory written through A while it was cut off', async () => {
    const r = await call(b.base, 'POST', '/v1/memories/search', { key, body: { user_id: user, query: 'I moved to Porto', limit: 100 } });
    const ids = r.status === 200 ? (r.body.results as Array<{ id: string }>).map((m) => m.id) : [];
    return written.every((id) => ids.includes(id)) ? ids : undefined;
  }, 20_000, 250);
  expect(seen).toEqual(expect.arrayContaining(written));
}
