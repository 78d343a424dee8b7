import type { CountsRow, FeatureEventRow, ItemMetaRow, TrainingLogRepository } from '@frontier/recsys-data-access';
import {
  contextModelInput,
  cumulativeIncrements,
  FEATURE_WINDOWS,
  foldItemEvents,
  foldUserEvents,
  itemFeatures,
  itemModelInput,
  LONGEST_WINDOW_MS,
  MODEL_INPUT_DIMS,
  userModelInput,
  zeroCounts,
  type Counts,
  type ItemFeatures,
  type UserFeatures,
  type WindowName,
} from '@frontier/recsys-domain';

const HOUR_MS = 3_600_000;

/** Item features are taken as of the start of the hour (serving refreshes item stats every 5 minutes). */
export const itemSnapshotOf = (atMs: number): number => Math.floor(atMs / HOUR_MS) * HOUR_MS;

/** Index of the first event with `atMs > t` (events sorted by atMs). */
function upperBound(events: readonly FeatureEventRow[], t: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid] as FeatureEventRow).atMs <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const addCounts = (into: Counts, from: CountsRow | Counts): Counts => {
  into.impression += from.impression;
  into.click += from.click;
  into.skip += from.skip;
  into.watch += from.watch;
  into.purchase += from.purchase;
  into.wds += from.wds;
  into.wds2 += from.wds2;
  return into;
};

const groupBy = <T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    let g = m.get(k);
    if (!g) m.set(k, (g = []));
    g.push(r);
  }
  return m;
};

/** What to load: the users' moments and the items' snapshot moments. */
export interface FeatureNeeds {
  /** (user, moment) pairs: a user's features as of each moment. */
  users: ReadonlyArray<{ userId: string; atMs: number }>;
  /** Items and the moments (hour starts) their features are needed at. */
  items: ReadonlyArray<{ itemId: string; atMs: number }>;
}

/**
 * Point-in-time features for training and evaluation: every user's and item's features as of a
 * moment T, recomputed from the Postgres event log with recsys-domain's one feature definition
 * (`foldUserEvents`, `foldItemEvents`, `itemFeatures`) and turned into the model's inputs
 * (`userModelInput`, `itemModelInput`, `contextModelInput`) — what serving reads from Redis at T.
 * "As of T" counts the unflagged events that happened by T and had been received by T (as
 * `FeaturesService.userFeaturesFromLog` / `itemFeaturesFromLog`, which this equals; it reads in
 * bulk: one query per kind of read for the whole run instead of one per user and moment).
 */
export class PointInTimeFeatures {
  private readonly userCache = new Map<string, Float32Array>();
  private readonly itemCache = new Map<string, Float32Array>();

  private constructor(
    private readonly userEvents: Map<string, FeatureEventRow[]>,
    private readonly itemEvents: Map<string, FeatureEventRow[]>,
    private readonly creatorEvents: Map<string, FeatureEventRow[]>,
    private readonly itemBase: Map<string, CountsRow>,
    private readonly creatorBase: Map<string, CountsRow>,
    private readonly meta: Map<string, ItemMetaRow>,
    /** Events before this moment are in the base counts. */
    private readonly itemRangeStartMs: number,
  ) {}

  static async load(log: TrainingLogRepository, tenantId: string, needs: FeatureNeeds): Promise<PointInTimeFeatures> {
    const userIds = [...new Set(needs.users.map((u) => u.userId))];
    const userTimes = needs.users.map((u) => u.atMs);
    const minU = userTimes.length ? Math.min(...userTimes) : 0;
    const maxU = userTimes.length ? Math.max(...userTimes) : 0;
    const userRows = await log.userEvents(tenantId, userIds, new Date(minU - LONGEST_WINDOW_MS), new Date(maxU));

    const itemIds = [...new Set(needs.items.map((i) => i.itemId))];
    const itemTimes = needs.items.map((i) => i.atMs);
    const minI = itemTimes.length ? Math.min(...itemTimes) : 0;
    const maxI = itemTimes.length ? Math.max(...itemTimes) : 0;
    const rangeStart = minI - LONGEST_WINDOW_MS;
    const meta = await log.itemMeta(tenantId, itemIds);
    const creators = [...new Set([...meta.values()].map((m) => m.creator))];
    const [itemBase, creatorBase, creatorRows] = await Promise.all([
      log.itemCountsBefore(tenantId, itemIds, new Date(rangeStart)),
      log.creatorCountsBefore(tenantId, creators, new Date(rangeStart)),
      log.creatorEvents(tenantId, creators, new Date(rangeStart), new Date(maxI)),
    ]);
    const wanted = new Set(itemIds);
    return new PointInTimeFeatures(
      groupBy(userRows, (e) => e.userId),
      groupBy(
        creatorRows.filter((e) => wanted.has(e.itemId)),
        (e) => e.itemId,
      ),
      groupBy(creatorRows, (e) => e.creator),
      itemBase,
      creatorBase,
      meta,
      rangeStart,
    );
  }

  /** A user's features as of `atMs`. */
  user(userId: string, atMs: number): UserFeatures {
    const events = this.userEvents.get(userId) ?? [];
    const slice = events.slice(0, upperBound(events, atMs)).filter((e) => e.receivedAtMs <= atMs && e.atMs > atMs - LONGEST_WINDOW_MS);
    return foldUserEvents(slice, atMs);
  }

  /** An item's features as of `atMs` (which must be one of the moments it was loaded for, or later within the range). */
  item(itemId: string, atMs: number): ItemFeatures {
    if (atMs - LONGEST_WINDOW_MS < this.itemRangeStartMs) throw new RangeError(`item features at ${new Date(atMs).toISOString()} need events before the loaded range`);
    const m = this.meta.get(itemId) ?? null;
    const known = (e: FeatureEventRow) => e.receivedAtMs <= atMs;
    const own = (this.itemEvents.get(itemId) ?? []).filter((e) => e.atMs <= atMs && known(e));
    const total = addCounts(zeroCounts(), this.itemBase.get(itemId) ?? zeroCounts());
    for (const e of own) for (const [stat, by] of cumulativeIncrements(e)) total[stat] += by;
    const creator = addCounts(zeroCounts(), (m && this.creatorBase.get(m.creator)) ?? zeroCounts());
    if (m) for (const e of this.creatorEvents.get(m.creator) ?? []) if (e.atMs <= atMs && known(e)) for (const [stat, by] of cumulativeIncrements(e)) creator[stat] += by;
    // the rolling windows from the definition's own fold (events older than the longest window count in none)
    const folded = foldItemEvents(
      own.filter((e) => e.atMs > atMs - LONGEST_WINDOW_MS),
      [],
      m,
      atMs,
    );
    const windows = {} as Record<WindowName, Counts>;
    for (const w of FEATURE_WINDOWS) windows[w.name] = addCounts(zeroCounts(), folded.windows[w.name]);
    return itemFeatures({ meta: m, total, creator, windows }, atMs);
  }

  /** The category the item tower sees ('' when the item is unknown). */
  category(itemId: string): string {
    return this.meta.get(itemId)?.category ?? '';
  }

  /** The user tower's input as of `atMs` (cached per user and moment). */
  userInput(userId: string, atMs: number): Float32Array {
    const key = `${userId}\u0000${atMs}`;
    let v = this.userCache.get(key);
    if (!v) this.userCache.set(key, (v = userModelInput(this.user(userId, atMs))));
    return v;
  }

  /** The item tower's input as of the item snapshot of `atMs` (cached per item and snapshot). */
  itemInput(itemId: string, atMs: number): Float32Array {
    const snap = itemSnapshotOf(atMs);
    const key = `${itemId}\u0000${snap}`;
    let v = this.itemCache.get(key);
    if (!v) this.itemCache.set(key, (v = itemModelInput(this.item(itemId, snap), this.category(itemId))));
    return v;
  }

  static context(atMs: number, surface: string): Float32Array {
    return contextModelInput({ atMs, surface });
  }

  static readonly dims = MODEL_INPUT_DIMS;
}
