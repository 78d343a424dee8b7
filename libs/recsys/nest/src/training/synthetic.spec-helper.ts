import { Client } from 'pg';
import { BatchScorer, epsilonGreedyMarginals, Rng, type TwoTowerModel } from '@frontier/recsys-domain';
import type { EvalSet } from './evaluation';

/**
 * A synthetic tenant whose truth is known, for the training loop's tests: users with one
 * preferred category each, P(click | user, item) = `likeProb` when the item is of it else
 * `otherProb`; some history (clicks) before the logs; then `requests` recommendation requests over
 * the `hours` before `windowEnd`, each shown a uniformly random ordered slate of `k` of the K items
 * (the logging policy: P(a at j) = 1/K, logged as the propensity), with impression events and a
 * click event 20 s later when the Bernoulli reward says so.
 */
export interface SyntheticWorldOptions {
  tenantId: string;
  windowEnd: Date;
  requests: number;
  hours?: number;
  users?: number;
  k?: number;
  categories?: string[];
  itemsPerCategory?: number;
  likeProb?: number;
  otherProb?: number;
  seed?: number;
}

export interface SyntheticWorld {
  tenantId: string;
  items: Array<{ id: string; category: string; creator: string }>;
  users: Array<{ id: string; pref: string }>;
  clickProb(userId: string, itemId: string): number;
  impressions: number;
  clicks: number;
}

/** A UUID-shaped id from the seeded generator (so a seed gives the same requests, and the same held-out split). */
function seededUuid(rng: Rng): string {
  const h = Array.from({ length: 4 }, () => rng.nextUint32().toString(16).padStart(8, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function insertRows(c: Client, table: string, columns: string[], types: string[], rows: unknown[][]): Promise<void> {
  for (let s = 0; s < rows.length; s += 5_000) {
    const part = rows.slice(s, s + 5_000);
    const arrays = columns.map((_, j) => part.map((r) => r[j]));
    const select = columns.map((_, j) => `$${j + 1}::${types[j]}[]`).join(', ');
    await c.query(`INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${select})`, arrays);
  }
}

export async function seedSyntheticWorld(databaseUrl: string, o: SyntheticWorldOptions): Promise<SyntheticWorld> {
  const rng = new Rng(o.seed ?? 7);
  const categories = o.categories ?? ['sport', 'news', 'music', 'food'];
  const perCat = o.itemsPerCategory ?? 4;
  const k = o.k ?? 3;
  const hours = o.hours ?? 24;
  const like = o.likeProb ?? 0.5;
  const other = o.otherProb ?? 0.05;
  const W = o.windowEnd.getTime();
  const items = categories.flatMap((category, ci) => Array.from({ length: perCat }, (_, j) => ({ id: `${category}-${j}`, category, creator: `creator-${ci}-${j % 2}` })));
  const users = Array.from({ length: o.users ?? 60 }, (_, u) => ({ id: `user-${u}`, pref: categories[u % categories.length] as string }));
  const cat = new Map(items.map((i) => [i.id, i.category]));
  const pref = new Map(users.map((u) => [u.id, u.pref]));
  const clickProb = (userId: string, itemId: string) => (cat.get(itemId) === pref.get(userId) ? like : other);

  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await insertRows(
      c,
      'recsys_items',
      ['tenant_id', 'id', 'creator', 'category', 'created_at'],
      ['uuid', 'text', 'text', 'text', 'timestamptz'],
      items.map((i) => [o.tenantId, i.id, i.creator, i.category, new Date(W - 10 * 86_400_000)]),
    );
    await insertRows(c, 'recsys_users', ['tenant_id', 'id'], ['uuid', 'text'], users.map((u) => [o.tenantId, u.id]));
    const batch = seededUuid(rng);
    const events: unknown[][] = [];
    const impressions: unknown[][] = [];
    const event = (userId: string, itemId: string, type: string, at: number, requestId: string | null, position: number | null) =>
      events.push([o.tenantId, seededUuid(rng), batch, userId, itemId, cat.get(itemId), type, requestId, position, new Date(at), new Date(at)]);
    // history: a few days before the logs, 6 clicks in the user's category and 2 elsewhere
    for (const u of users) {
      const mine = items.filter((i) => i.category === u.pref);
      const others = items.filter((i) => i.category !== u.pref);
      for (let t = 0; t < 8; t++) {
        const it = t < 6 ? mine[rng.nextInt(mine.length)] : others[rng.nextInt(others.length)];
        const at = W - 6 * 86_400_000 + Math.floor(rng.nextDouble() * 4 * 86_400_000);
        event(u.id, (it as { id: string }).id, 'impression', at - 1_000, null, null);
        event(u.id, (it as { id: string }).id, 'click', at, null, null);
      }
    }
    let clicks = 0;
    const K = items.length;
    for (let r = 0; r < o.requests; r++) {
      const u = users[rng.nextInt(users.length)] as { id: string };
      const shownAt = W - hours * 3_600_000 + Math.floor(rng.nextDouble() * hours * 3_600_000);
      const requestId = seededUuid(rng);
      const pool = Array.from({ length: K }, (_, i) => i);
      for (let j = 0; j < k; j++) {
        const t = j + rng.nextInt(K - j);
        [pool[j], pool[t]] = [pool[t] as number, pool[j] as number];
        const item = items[pool[j] as number] as { id: string };
        impressions.push([requestId, j, o.tenantId, u.id, item.id, 'home', 'v0', 'uniform-random', 1 / K, 0, shownAt]);
        event(u.id, item.id, 'impression', shownAt, requestId, j);
        if (rng.nextDouble() < clickProb(u.id, item.id)) {
          event(u.id, item.id, 'click', shownAt + 20_000, requestId, j);
          clicks++;
        }
      }
    }
    await c.query(`INSERT INTO recsys_event_batches (id, tenant_id, events) VALUES ($1, $2, $3)`, [batch, o.tenantId, events.length]);
    await insertRows(
      c,
      'recsys_events',
      ['tenant_id', 'event_id', 'batch_id', 'user_id', 'item_id', 'category', 'type', 'request_id', 'position', 'at', 'received_at'],
      ['uuid', 'text', 'uuid', 'text', 'text', 'text', 'text', 'uuid', 'int', 'timestamptz', 'timestamptz'],
      events,
    );
    await insertRows(
      c,
      'recsys_impressions',
      ['request_id', 'position', 'tenant_id', 'user_id', 'item_id', 'surface', 'model_version', 'policy', 'propensity', 'score', 'shown_at'],
      ['uuid', 'int', 'uuid', 'text', 'text', 'text', 'text', 'text', 'float8', 'float8', 'timestamptz'],
      impressions.map((r) => [...r.slice(0, 10), new Date(r[10] as number)]),
    );
    return { tenantId: o.tenantId, items, users, clickProb, impressions: impressions.length, clicks };
  } finally {
    await c.end();
  }
}

/**
 * The true value of a model's ε-greedy policy on the evaluation rows (what DR and SNIPS estimate):
 * the mean over the rows (request, position j) of Σ_a π_e(a at j) P(click | user, a).
 */
export function trueValue(model: TwoTowerModel, set: EvalSet, world: SyntheticWorld, epsilon: number): number {
  const K = set.actionIds.length;
  const e = model.config.embeddingDim;
  const C = model.config.contextDim;
  const userEmb = model.embed('user', set.userInputs, set.requests.length);
  const itemEmb = new Map([...set.itemInputs].map(([snap, x]) => [snap, model.embed('item', x, K)]));
  const scorer = new BatchScorer(model);
  const scores = new Float32Array(K);
  let total = 0;
  set.requests.forEach((q, r) => {
    scorer.score(userEmb.subarray(r * e, (r + 1) * e), set.contexts.subarray(r * C, (r + 1) * C), itemEmb.get(q.snapshot) as Float32Array, K, scores);
    const L = Math.min(q.slateLen, K);
    const m = epsilonGreedyMarginals(scores, L, epsilon);
    for (const t of q.rows) {
      const row = set.rows[t] as { position: number; userId: string };
      let v = 0;
      for (let a = 0; a < K; a++) v += (m.p[a * L + row.position] as number) * world.clickProb(row.userId, set.actionIds[a] as string);
      total += v;
    }
  });
  return total / set.rows.length;
}
