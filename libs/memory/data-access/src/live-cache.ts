import type { PrismaClient } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import { carryTextMemos, isLive, type Memory } from '@frontier/memory-domain';
import type { MemoryRepository } from './memory.repository';
import type { SessionRepository } from './session.repository';
import { STAMPS_SQL, StampBatcher, type StampRow } from './live-stamp';
import type { VersionVector } from './sync.repository';

/** A session as a client knows it (never changes once stored). */
export interface CachedSessionRef {
  externalId: string;
  agentId: string | null;
}

export interface LiveMemoryCacheOptions {
  /** Memories held across users (LRU by user beyond). A user with more is never cached. */
  maxRows: number;
  /** Retrieval counts are re-read from Postgres when older than this (other processes count too). Default 30 s. */
  countsMaxAgeMs?: number;
  /** Changes read per refresh; a user behind by more is reloaded whole. Default 500. */
  maxDelta?: number;
  clock?: () => number;
}

/** What one search needs of the user, as of one version check. */
export interface LiveSnapshot {
  /** Live memories among `ids` at `at`, narrowed by type and `validAt` range. */
  pick(ids: readonly string[], at: Date, o?: { types?: readonly string[]; since?: Date | undefined; until?: Date | undefined }): Map<string, Memory>;
  /** Session refs (fetched once per session). */
  refs(sessionIds: readonly string[]): Promise<Map<string, CachedSessionRef>>;
  /** Digest of the user's stored biography (null: none), as of the version check. */
  readonly biography: string | null;
  /**
   * A value derived from the live set and the biography digest, kept until either changes or a
   * memory's invalidAt/expiredAt passes (the biography served, for one).
   */
  memo<T>(key: string, at: Date, compute: () => Promise<T>): Promise<T>;
}

interface Version {
  counters: VersionVector;
  floors: VersionVector;
  /** Newest change id of the user's log: after a whole-user erasure the counters restart, ids never do. */
  top: string | null;
  /** Digest of the user's sync key: a whole-user erasure forgets it, the next write makes a new one (counters restart). */
  incarnation: string | null;
  /** The exact stamp string (equality: nothing changed). */
  stamp: string;
}

interface Entry {
  version: Version;
  rows: Map<string, Memory>;
  sessions: Map<string, CachedSessionRef>;
  countsAt: number;
  /** The earliest future invalidAt/expiredAt of a cached row (ms; Infinity when none): memos expire there. */
  nextExpiry: number;
  memos: Map<string, { biography: string | null; value: unknown }>;
}

/** The pg pool a client may expose (`PrismaService.pgPool`): the version check runs on it as a named prepared statement. */
export interface PgQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const parseDevices = (s: string | null): { counters: VersionVector; floors: VersionVector } => {
  const counters: VersionVector = {};
  const floors: VersionVector = {};
  for (const [device, counter, floor] of JSON.parse(s ?? '[]') as Array<[string, number, number]>) {
    counters[device] = counter;
    floors[device] = floor;
  }
  return { counters, floors };
};

/** A cached row with new usage counters; what was read of its text (unchanged) goes with it. */
function copyRow(m: Memory, counts: Pick<Memory, 'retrievalCount' | 'lastRetrievedAt'>): Memory {
  const next = { ...m, ...counts };
  carryTextMemos(m, next);
  return next;
}

/**
 * Per-user copy of the live memories (decrypted, without vectors) in the serving process, so a
 * search reads no rows and decrypts nothing (issue 14). Postgres stays the truth: every
 * {@link snapshot} first asks it for the user's sync version — the vector of device counters of
 * `memory_sync_changes`, every device's compaction floor and the newest change id, in the same
 * statement as the biography's digest (one round trip) — and serves the copy only when it matches.
 * Every write that changes what search may serve commits its sync change in the same transaction
 * (create, update, supersede, delete, restore, erasure, episode invalidation, times), so the check
 * holds across replicas: a memory deleted anywhere is not served here once the delete committed.
 * Counters grew: the changed memories are re-read (`SyncLog.since`-style delta); anything else
 * (counters reset by a whole-user erasure, a floor raised by compaction, a change whose memory is
 * gone, a long delta): the user is reloaded whole.
 */
export class LiveMemoryCache {
  private readonly users = new Map<string, Entry>();
  private readonly refreshing = new Map<string, Promise<Entry | null>>();
  /** Users found larger than the whole cache, by the version they were counted at (not counted again until it changes). */
  private readonly tooLarge = new Map<string, string>();
  private rows = 0;
  private readonly countsMaxAgeMs: number;
  private readonly maxDelta: number;
  private readonly now: () => number;
  /** The users' version rows, one statement per event-loop turn (live-stamp.ts). */
  readonly stamps: StampBatcher;
  /** Loads and deltas, for tests and metrics. */
  readonly stats = { hits: 0, deltas: 0, loads: 0, countRefreshes: 0 };

  constructor(
    private readonly prisma: PrismaClient,
    private readonly memories: MemoryRepository,
    private readonly sessions: SessionRepository,
    private readonly o: LiveMemoryCacheOptions,
  ) {
    this.countsMaxAgeMs = o.countsMaxAgeMs ?? 30_000;
    this.maxDelta = o.maxDelta ?? 500;
    this.now = o.clock ?? Date.now;
    const pg = (prisma as PrismaClient & { pgPool?: PgQueryable }).pgPool;
    // one statement per event-loop turn for every search's version check (issue 14, search
    // throughput): on pg's pool, prepared once per connection, when the client exposes it
    this.stamps = new StampBatcher(
      pg
        ? async (tenants, users) => (await pg.query({ name: 'memory_live_stamps', text: STAMPS_SQL, values: [tenants, users] })).rows as StampRow[]
        : async (tenants, users) => prisma.$queryRawUnsafe<StampRow[]>(STAMPS_SQL, tenants, users),
    );
  }

  /** The user's live memories as of one version check against Postgres (null: the user is too large to cache). */
  async snapshot(scope: MemoryScope, at: Date): Promise<LiveSnapshot | null> {
    const key = `${scope.tenantId}\u0000${scope.userId}`;
    const stamp = await this.stamps.get(scope.tenantId, scope.userId);
    const exact = `${stamp.devices ?? ''}|${stamp.top ?? ''}|${stamp.inc ?? ''}`;
    if (this.tooLarge.get(key) === exact) return null;
    let entry: Entry | null | undefined = this.users.get(key);
    if (entry && entry.version.stamp === exact) {
      this.stats.hits++;
      this.touch(key, entry);
    } else {
      // the counters are parsed only when the copy must change (a hit compares the exact string)
      entry = await this.refresh(key, scope, at, { ...parseDevices(stamp.devices), top: stamp.top, incarnation: stamp.inc, stamp: exact });
    }
    if (!entry) return null;
    if (this.now() - entry.countsAt > this.countsMaxAgeMs) await this.refreshCounts(scope, at, entry);
    return this.view(entry, stamp.bio);
  }

  /** Counts retrievals served from here at once (the recorder writes Postgres within a second). */
  recordRetrievals(scope: MemoryScope, ids: readonly string[], at: Date): void {
    const e = this.users.get(`${scope.tenantId}\u0000${scope.userId}`);
    if (!e) return;
    for (const id of ids) {
      const m = e.rows.get(id);
      if (m) e.rows.set(id, copyRow(m, { retrievalCount: m.retrievalCount + 1, lastRetrievedAt: at }));
    }
  }

  /** Drops the user's copy (erasure: no erased text stays in this process's memory). */
  drop(scope: MemoryScope): void {
    const key = `${scope.tenantId}\u0000${scope.userId}`;
    const e = this.users.get(key);
    if (e) this.rows -= e.rows.size;
    this.users.delete(key);
  }

  get residentUsers(): number {
    return this.users.size;
  }

  private touch(key: string, e: Entry): void {
    this.users.delete(key);
    this.users.set(key, e);
  }

  /** One refresh per user at a time; concurrent searches share it. */
  private async refresh(key: string, scope: MemoryScope, at: Date, version: Version): Promise<Entry | null> {
    const running = this.refreshing.get(key);
    if (running) {
      const e = await running;
      // a refresh started before this check may carry an older version: check again against ours
      if (!e || e.version.stamp === version.stamp) return e;
    }
    const p = this.update(key, scope, at, version).finally(() => {
      if (this.refreshing.get(key) === p) this.refreshing.delete(key);
    });
    this.refreshing.set(key, p);
    return p;
  }

  private async update(key: string, scope: MemoryScope, at: Date, version: Version): Promise<Entry | null> {
    const old = this.users.get(key);
    const ids = old ? await this.deltaIds(scope, old.version, version) : null;
    let entry: Entry;
    if (old && ids) {
      this.stats.deltas++;
      const fresh = await this.memories.liveMemoriesByIds(scope, at, ids);
      const rows = new Map(old.rows);
      for (const id of ids) rows.delete(id);
      for (const m of fresh) rows.set(m.id, m);
      entry = { ...old, version, rows, memos: new Map(), nextExpiry: nextExpiry(rows.values(), at) };
    } else {
      this.drop(scope);
      if ((await this.memories.countLive(scope, at)) > this.o.maxRows) {
        if (this.tooLarge.size >= 10_000) this.tooLarge.clear();
        this.tooLarge.set(key, version.stamp);
        return null;
      }
      this.stats.loads++;
      const all = await this.memories.allLiveMemories(scope, at);
      const rows = new Map(all.map((m) => [m.id, m]));
      entry = { version, rows, sessions: new Map(), countsAt: this.now(), memos: new Map(), nextExpiry: nextExpiry(rows.values(), at) };
    }
    this.drop(scope);
    this.tooLarge.delete(key);
    if (entry.rows.size > this.o.maxRows) return null;
    this.users.set(key, entry);
    this.rows += entry.rows.size;
    for (const [k, e] of this.users) {
      if (this.rows <= this.o.maxRows) break;
      if (k === key) continue;
      this.users.delete(k);
      this.rows -= e.rows.size;
    }
    return entry;
  }

  /**
   * Ids of the memories changed between two versions, or null when the copy must be reloaded
   * whole: the sync key changed or a device's counter went back or vanished (whole-user erasure
   * forgot the log, later writes start it again), a floor
   * rose (compaction may have dropped changes not seen here), a change names no memory (its
   * memory was hard-deleted), or too many changes.
   */
  private async deltaIds(scope: MemoryScope, from: Version, to: Version): Promise<string[] | null> {
    if (to.top === null || (from.top !== null && BigInt(to.top) < BigInt(from.top)) || from.incarnation !== to.incarnation) return null;
    for (const [device, counter] of Object.entries(from.counters)) {
      if ((to.counters[device] ?? -1) < counter || (to.floors[device] ?? 0) !== (from.floors[device] ?? 0)) return null;
    }
    for (const [device, floor] of Object.entries(to.floors)) if (floor > (from.counters[device] ?? 0)) return null;
    const rows = await this.prisma.$queryRaw<Array<{ memory_id: string | null }>>`
      SELECT memory_id::text AS memory_id FROM memory_sync_changes
      WHERE tenant_id = ${scope.tenantId}::uuid AND user_id = ${scope.userId}
        AND counter > COALESCE((${JSON.stringify(from.counters)}::jsonb ->> device_id)::int, 0)
      LIMIT ${this.maxDelta + 1}`;
    if (rows.length > this.maxDelta || rows.some((r) => r.memory_id === null)) return null;
    return [...new Set(rows.map((r) => r.memory_id as string))];
  }

  private async refreshCounts(scope: MemoryScope, at: Date, e: Entry): Promise<void> {
    this.stats.countRefreshes++;
    e.countsAt = this.now();
    const counts = await this.memories.retrievalCounts(scope, at);
    for (const [id, m] of e.rows) {
      const c = counts.get(id);
      if (c && (c.retrievalCount > m.retrievalCount || !m.lastRetrievedAt)) e.rows.set(id, copyRow(m, c));
    }
  }

  private view(e: Entry, biography: string | null): LiveSnapshot {
    return {
      biography,
      pick: (ids, at, o = {}) => {
        const out = new Map<string, Memory>();
        const types = o.types?.length ? new Set(o.types) : null;
        for (const id of ids) {
          const m = e.rows.get(id);
          if (!m || !isLive(m, at) || (types && !types.has(m.type))) continue;
          if ((o.since && m.validAt < o.since) || (o.until && m.validAt > o.until)) continue;
          out.set(id, m);
        }
        return out;
      },
      refs: async (sessionIds) => {
        const missing = [...new Set(sessionIds)].filter((s) => s && !e.sessions.has(s));
        if (missing.length) for (const [id, ref] of await this.sessions.refs(missing)) e.sessions.set(id, ref);
        const out = new Map<string, CachedSessionRef>();
        for (const s of sessionIds) {
          const ref = e.sessions.get(s);
          if (ref) out.set(s, ref);
        }
        return out;
      },
      memo: async <T>(key: string, at: Date, compute: () => Promise<T>): Promise<T> => {
        const hit = e.memos.get(key);
        if (hit && hit.biography === biography && at.getTime() < e.nextExpiry) return hit.value as T;
        const value = await compute();
        e.memos.set(key, { biography, value });
        return value;
      },
    };
  }
}

/** The earliest invalidAt/expiredAt after `at` among `rows` (ms), Infinity when none. */
function nextExpiry(rows: Iterable<Memory>, at: Date): number {
  let min = Infinity;
  const t = at.getTime();
  for (const m of rows) {
    for (const d of [m.invalidAt, m.expiredAt]) {
      const v = d?.getTime();
      if (v !== undefined && v > t && v < min) min = v;
    }
  }
  return min;
}
