import { createHash } from 'node:crypto';
import { deleteKeys, scanKeys, type RedisClient } from '@frontier/platform-redis';
import {
  addHash,
  bucketsAt,
  FEATURE_WINDOWS,
  itemFeatures,
  sumBuckets,
  userFeatures,
  zeroCounts,
  type BucketHash,
  type Counts,
  type ItemFeatures,
  type ItemMeta,
  type UserFeatures,
  type WindowName,
} from '@frontier/recsys-domain';

/** One counter change: HINCRBY `key` `field` `by`, and the key expires at `expiresAtMs` (0: never). */
export interface CounterOp {
  key: string;
  field: string;
  by: number;
  expiresAtMs: number;
}

/** What an apply did: `applied`; `already` (its idempotency key was there: nothing changed); `busy` (a rebuild holds the tenant). */
export type ApplyOutcome = 'applied' | 'already' | 'busy';

/** How long a user-batch marker lives: beyond the longest window, a re-applied batch changes nothing anyway. */
export const BATCH_MARKER_TTL_MS = (7 * 24 + 1) * 3_600_000;

// KEYS: 1 idempotency key (a string with TTL for a batch, a set for runs), 2 rebuild flag, 3 sentinel, 4 items version, 5.. data keys
// ARGV: 1 kind ('batch' | 'run'), 2 marker id / TTL, 3 force, then (key index, field, by, expiresAtMs) per op
const APPLY = `
if ARGV[3] ~= '1' and redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
if ARGV[1] == 'batch' then
  if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[2]) then return 0 end
else
  if redis.call('SISMEMBER', KEYS[1], ARGV[2]) == 1 then return 0 end
  redis.call('SADD', KEYS[1], ARGV[2])
  redis.call('INCR', KEYS[4])
end
local expiring = {}
for i = 4, #ARGV, 4 do
  local key = KEYS[tonumber(ARGV[i])]
  redis.call('HINCRBY', key, ARGV[i + 1], ARGV[i + 2])
  if ARGV[i + 3] ~= '0' and not expiring[key] then
    redis.call('PEXPIREAT', key, ARGV[i + 3])
    expiring[key] = true
  end
end
return 1
`;

// KEYS: hashes to read. Returns each one's HGETALL (a flat field, value, ... array; empty when missing).
const READ_HASHES = `
local out = {}
for i = 1, #KEYS do out[i] = redis.call('HGETALL', KEYS[i]) end
return out
`;
const READ_HASHES_SHA = createHash('sha1').update(READ_HASHES).digest('hex');

/**
 * The Redis feature store (derived from Postgres, rebuilt from it): per-user window buckets per
 * category, per-item cumulative counts + metadata + window buckets, per-creator cumulative counts.
 * Keys, under `<prefix>:recsys:{<tenant>}:` (the tenant is a hash tag: one apply script touches the
 * markers and counters of a tenant at once, which Redis Cluster allows only within one slot):
 *
 *   u:<user>:<window>:<bucket>    hash `<stat>:<category>` → count; expires when the bucket leaves the window
 *   i:<item>                      hash `<stat>` → all-time count, `m:creator` `m:category` `m:created` `m:deleted` (ms)
 *   iw:<item>:<window>:<bucket>   hash `<stat>` → count; expires as the user buckets do
 *   c:<creator>                   hash `<stat>` → all-time count over the creator's items
 *   fb:<batch>                    a user-feature batch was applied (idempotency key, 7 d + 1 h)
 *   runs                          set of applied item-stats runs (idempotency keys, kept)
 *   items-version                 INCR per applied item run (serving caches item features per version)
 *   alive                         set by a completed rebuild: missing means Redis lost the tenant's features (or never had them)
 *   rebuilding                    a rebuild holds the tenant: normal applies answer `busy`
 *
 * Every apply is one Lua script (atomic: all of it or nothing) that checks and sets its idempotency
 * key together with the counts, so a worker killed at any point, or a job delivered twice, never
 * counts anything twice. Needs `maxmemory-policy noeviction`: an evicted idempotency key would let a
 * repeat count again.
 */
export class FeatureStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private base(tenantId: string): string {
    return `${this.prefix}:recsys:{${tenantId}}`;
  }
  userBucketKey(tenantId: string, userId: string, window: WindowName, bucket: number): string {
    return `${this.base(tenantId)}:u:${userId}:${window}:${bucket}`;
  }
  itemKey(tenantId: string, itemId: string): string {
    return `${this.base(tenantId)}:i:${itemId}`;
  }
  itemBucketKey(tenantId: string, itemId: string, window: WindowName, bucket: number): string {
    return `${this.base(tenantId)}:iw:${itemId}:${window}:${bucket}`;
  }
  creatorKey(tenantId: string, creator: string): string {
    return `${this.base(tenantId)}:c:${creator}`;
  }
  private flagKey(tenantId: string): string {
    return `${this.base(tenantId)}:rebuilding`;
  }

  /** Applies a user-feature batch once (`fb:<batch>` is its idempotency key). */
  async applyBatch(tenantId: string, batchId: string, ops: readonly CounterOp[], o: { force?: boolean } = {}): Promise<ApplyOutcome> {
    return this.apply(tenantId, `${this.base(tenantId)}:fb:${batchId}`, ['batch', String(BATCH_MARKER_TTL_MS)], ops, o.force);
  }

  /** Applies an item-stats run once (its id joins `runs`). */
  async applyRun(tenantId: string, runId: string, ops: readonly CounterOp[], o: { force?: boolean } = {}): Promise<ApplyOutcome> {
    return this.apply(tenantId, `${this.base(tenantId)}:runs`, ['run', runId], ops, o.force);
  }

  private async apply(tenantId: string, marker: string, head: [string, string], ops: readonly CounterOp[], force = false): Promise<ApplyOutcome> {
    const b = this.base(tenantId);
    const keys = [marker, this.flagKey(tenantId), `${b}:alive`, `${b}:items-version`];
    const index = new Map<string, number>();
    const args: Array<string | number> = [head[0], head[1], force ? '1' : '0'];
    for (const op of ops) {
      let k = index.get(op.key);
      if (k === undefined) {
        keys.push(op.key);
        index.set(op.key, (k = keys.length));
      }
      args.push(k, op.field, op.by, op.expiresAtMs);
    }
    const r = Number(await this.redis.eval(APPLY, keys.length, ...keys, ...args));
    return r === 1 ? 'applied' : r === 0 ? 'already' : 'busy';
  }

  /** Writes items' metadata (creator, category, creation and deletion time) beside their counts. */
  async putItemMetas(tenantId: string, metas: ReadonlyArray<{ id: string; creator: string; category: string; createdAt: Date; deletedAt: Date | null }>): Promise<void> {
    if (!metas.length) return;
    const p = this.redis.pipeline();
    for (const m of metas) {
      const key = this.itemKey(tenantId, m.id);
      p.hset(key, 'm:creator', m.creator, 'm:category', m.category, 'm:created', m.createdAt.getTime());
      if (m.deletedAt) p.hset(key, 'm:deleted', m.deletedAt.getTime());
      else p.hdel(key, 'm:deleted');
    }
    await p.exec();
  }

  /**
   * The serving read of a user's features at `nowMs`: every window bucket's hash in one Lua script
   * call (one command and one reply, where a pipeline of ~44 HGETALLs made ~44 commands, promises
   * and reply objects a request), summed by recsys-domain `userFeatures` as training sums them.
   */
  async readUser(tenantId: string, userId: string, nowMs: number): Promise<UserFeatures> {
    const keys: string[] = [];
    const at: Array<[WindowName, number]> = [];
    for (const w of FEATURE_WINDOWS) {
      for (const b of bucketsAt(nowMs, w)) {
        keys.push(this.userBucketKey(tenantId, userId, w.name, b));
        at.push([w.name, b]);
      }
    }
    const res = (await this.evalRead(READ_HASHES, READ_HASHES_SHA, keys)) as string[][];
    const buckets: Record<WindowName, Map<number, BucketHash>> = { '1h': new Map(), '24h': new Map(), '7d': new Map() };
    for (let i = 0; i < at.length; i++) {
      const flat = res[i];
      if (!flat || !flat.length) continue;
      const h: Record<string, string> = {};
      for (let j = 0; j + 1 < flat.length; j += 2) h[flat[j] as string] = flat[j + 1] as string;
      const [w, b] = at[i] as [WindowName, number];
      buckets[w].set(b, h);
    }
    return userFeatures(buckets, nowMs);
  }

  /** A read-only script by its SHA1 (EVALSHA), loading it with EVAL when Redis does not have it yet (NOSCRIPT). */
  private async evalRead(script: string, sha: string, keys: readonly string[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return this.redis.eval(script, keys.length, ...keys);
    }
  }

  /** Raw reads of items: metadata, all-time counts and window counts at `nowMs` (two pipelined round trips with the creators'). */
  async readItemCounts(tenantId: string, itemIds: readonly string[], nowMs: number): Promise<Map<string, { meta: ItemMeta | null; deletedAtMs: number | null; total: Counts; creator: Counts; windows: Record<WindowName, Counts> }>> {
    const plan = FEATURE_WINDOWS.flatMap((w) => bucketsAt(nowMs, w).map((b) => [w, b] as const));
    const p = this.redis.pipeline();
    for (const id of itemIds) {
      p.hgetall(this.itemKey(tenantId, id));
      for (const [w, b] of plan) p.hgetall(this.itemBucketKey(tenantId, id, w.name, b));
    }
    const res = (await p.exec()) ?? [];
    const per = 1 + plan.length;
    const out = new Map<string, { meta: ItemMeta | null; deletedAtMs: number | null; total: Counts; creator: Counts; windows: Record<WindowName, Counts> }>();
    const creators = new Set<string>();
    itemIds.forEach((id, n) => {
      const at = (i: number) => {
        const [err, h] = res[n * per + i] ?? [];
        if (err) throw err;
        return (h ?? {}) as Record<string, string>;
      };
      const head = at(0);
      const meta = head['m:created'] !== undefined ? { createdAtMs: Number(head['m:created']), creator: head['m:creator'] ?? '', category: head['m:category'] ?? '' } : null;
      if (meta) creators.add(meta.creator);
      const windows = {} as Record<WindowName, Counts>;
      for (const w of FEATURE_WINDOWS) {
        const m = new Map<number, BucketHash>();
        plan.forEach(([pw, b], i) => {
          if (pw.name === w.name) m.set(b, at(1 + i));
        });
        windows[w.name] = sumBuckets(m, w, nowMs);
      }
      out.set(id, { meta, deletedAtMs: head['m:deleted'] !== undefined ? Number(head['m:deleted']) : null, total: addHash(zeroCounts(), head), creator: zeroCounts(), windows });
    });
    if (creators.size) {
      const names = [...creators];
      const cp = this.redis.pipeline();
      for (const c of names) cp.hgetall(this.creatorKey(tenantId, c));
      const cres = (await cp.exec()) ?? [];
      const byCreator = new Map(names.map((c, i) => [c, addHash(zeroCounts(), (cres[i]?.[1] ?? {}) as BucketHash)]));
      for (const v of out.values()) if (v.meta) v.creator = byCreator.get(v.meta.creator) ?? zeroCounts();
    }
    return out;
  }

  /** The serving read of items' features at `nowMs`. */
  async readItems(tenantId: string, itemIds: readonly string[], nowMs: number): Promise<Map<string, ItemFeatures>> {
    const counts = await this.readItemCounts(tenantId, itemIds, nowMs);
    return new Map([...counts].map(([id, c]) => [id, itemFeatures(c, nowMs)]));
  }

  /** Bumped by every applied item run: item features only change then, so serving may cache them per version. */
  async itemsVersion(tenantId: string): Promise<number> {
    return Number((await this.redis.get(`${this.base(tenantId)}:items-version`)) ?? 0);
  }

  /** Marks an item flagged by the anomaly check (`m:spike` = when, `m:spike-reason`). */
  async flagItem(tenantId: string, itemId: string, atMs: number, reason: string): Promise<void> {
    await this.redis.hset(this.itemKey(tenantId, itemId), 'm:spike', atMs, 'm:spike-reason', reason);
  }

  async itemFlag(tenantId: string, itemId: string): Promise<{ atMs: number; reason: string } | null> {
    const [at, reason] = await this.redis.hmget(this.itemKey(tenantId, itemId), 'm:spike', 'm:spike-reason');
    return at ? { atMs: Number(at), reason: reason ?? '' } : null;
  }

  /** Notes that the tenant's features are complete (the end of a rebuild). */
  async markAlive(tenantId: string): Promise<void> {
    await this.redis.set(`${this.base(tenantId)}:alive`, String(Date.now()));
  }

  /** Whether the tenant's features are there (false after Redis lost its data: a rebuild is due). */
  async alive(tenantId: string): Promise<boolean> {
    return (await this.redis.exists(`${this.base(tenantId)}:alive`)) === 1;
  }

  /** Holds the tenant for a rebuild (normal applies answer `busy` until {@link endRebuild}); false when another rebuild holds it. */
  async beginRebuild(tenantId: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.flagKey(tenantId), String(Date.now()), 'PX', ttlMs, 'NX')) === 'OK';
  }

  async extendRebuild(tenantId: string, ttlMs: number): Promise<void> {
    await this.redis.pexpire(this.flagKey(tenantId), ttlMs);
  }

  async endRebuild(tenantId: string): Promise<void> {
    await this.redis.del(this.flagKey(tenantId));
  }

  /** Deletes every feature key of the tenant (counts and idempotency keys), leaving the rebuild flag. Returns how many keys went. */
  async wipe(tenantId: string): Promise<number> {
    const flag = this.flagKey(tenantId);
    let n = 0;
    // every master (a Cluster's SCAN reaches one node); the `{tenant}` glob braces are literal
    await scanKeys(
      this.redis,
      `${this.base(tenantId)}:*`,
      async (keys, node) => {
        n += await deleteKeys(this.redis, keys.filter((k) => k !== flag), node);
      },
      1_000,
    );
    return n;
  }
}
