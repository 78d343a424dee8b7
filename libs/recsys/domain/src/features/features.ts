/**
 * The one definition of the recommender's features (§127.2 "Feature pipeline"), read by serving
 * (from the Redis feature store) and by training (recomputed from the event log in Postgres) alike:
 * both turn events into the same counter increments ({@link userEventIncrements},
 * {@link itemEventIncrements}) and counters into the same numbers ({@link userFeatures},
 * {@link itemFeatures}, {@link userVector}, {@link pairVector}, {@link itemVector}). Pure: no I/O.
 *
 * Rolling windows are made of time buckets: a window of W seconds with buckets of B seconds counts
 * the buckets b with `now_bucket − W/B < b ≤ now_bucket`, i.e. the last W − B … W seconds. A bucket
 * is stored under its own key that expires the moment it leaves the window ({@link bucketExpiresAtMs}:
 * TTL = window from the bucket's start), so Redis drops old counts by itself and a reader never sums
 * a bucket it should not.
 *
 * Counts are integers (watch time in deciseconds, `Math.round(seconds · 10)`), so the sums are
 * exact in Redis, in Postgres and here whatever the order of addition.
 */
import { smoothedCtr } from '../trending/trending';

export const EVENT_TYPES = ['impression', 'click', 'skip', 'watch', 'purchase'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type WindowName = '1h' | '24h' | '7d';

export interface FeatureWindow {
  readonly name: WindowName;
  /** Window length, seconds. */
  readonly seconds: number;
  /** Bucket length, seconds (divides `seconds`). */
  readonly bucketSeconds: number;
}

/** The rolling windows of user (per category) and item counts: 6 × 10 min, 24 × 1 h, 14 × 12 h. */
export const FEATURE_WINDOWS: readonly FeatureWindow[] = [
  { name: '1h', seconds: 3_600, bucketSeconds: 600 },
  { name: '24h', seconds: 86_400, bucketSeconds: 3_600 },
  { name: '7d', seconds: 604_800, bucketSeconds: 43_200 },
];

/** Longest window, ms: an event older than this (at the time it is applied) changes no window. */
export const LONGEST_WINDOW_MS = Math.max(...FEATURE_WINDOWS.map((w) => w.seconds)) * 1000;

export const bucketOf = (atMs: number, w: FeatureWindow): number => Math.floor(atMs / (w.bucketSeconds * 1000));
export const bucketsPerWindow = (w: FeatureWindow): number => w.seconds / w.bucketSeconds;
/** The moment bucket `b` leaves window `w` (its key's expiry): start of bucket b + window length. */
export const bucketExpiresAtMs = (b: number, w: FeatureWindow): number => (b + bucketsPerWindow(w)) * w.bucketSeconds * 1000;
/** Buckets of `w` counted at `nowMs`, oldest first. */
export function bucketsAt(nowMs: number, w: FeatureWindow): number[] {
  const cur = bucketOf(nowMs, w);
  const n = bucketsPerWindow(w);
  return Array.from({ length: n }, (_, i) => cur - n + 1 + i);
}

/** Watch time as stored: deciseconds, rounded half up (Postgres: `floor(watch_seconds * 10 + 0.5)`). */
export const watchDeciseconds = (seconds: number): number => Math.floor(seconds * 10 + 0.5);

/** What one event says, as the feature pipeline reads it. */
export interface FeatureEvent {
  userId: string;
  itemId: string;
  /** The item's category when the event was stored. */
  category: string;
  type: EventType;
  /** Watch events only. */
  watchSeconds?: number | null;
  atMs: number;
}

/**
 * Counter fields of a bucket hash: `<stat>:<category>` (a user's) or `<stat>` (an item's / creator's),
 * with stat one of the event types, `wds` (watch deciseconds) or `wds2` (their squares, for the spread).
 * A stat has no ':' so the category is everything after the first one.
 */
export type Stat = EventType | 'wds' | 'wds2';
const STATS: readonly Stat[] = [...EVENT_TYPES, 'wds', 'wds2'];

/** One increment: `field` of bucket `bucket` of window `window` grows by `by`; the key expires at `expiresAtMs`. */
export interface Increment {
  window: WindowName;
  bucket: number;
  field: string;
  by: number;
  expiresAtMs: number;
}

function statIncrements(e: Pick<FeatureEvent, 'type' | 'watchSeconds'>): Array<[Stat, number]> {
  const out: Array<[Stat, number]> = [[e.type, 1]];
  if (e.type === 'watch' && e.watchSeconds != null) {
    const ds = watchDeciseconds(e.watchSeconds);
    out.push(['wds', ds], ['wds2', ds * ds]);
  }
  return out;
}

function windowIncrements(e: FeatureEvent, nowMs: number, field: (stat: Stat) => string): Increment[] {
  const out: Increment[] = [];
  for (const w of FEATURE_WINDOWS) {
    const bucket = bucketOf(e.atMs, w);
    const expiresAtMs = bucketExpiresAtMs(bucket, w);
    if (expiresAtMs <= nowMs) continue; // already outside the window: nothing to keep
    for (const [stat, by] of statIncrements(e)) out.push({ window: w.name, bucket, field: field(stat), by, expiresAtMs });
  }
  return out;
}

/** A user's window increments for one event (nothing for windows the event is already outside of at `nowMs`). */
export function userEventIncrements(e: FeatureEvent, nowMs: number): Increment[] {
  return windowIncrements(e, nowMs, (stat) => `${stat}:${e.category}`);
}

/** An item's window increments for one event (its cumulative counts: {@link cumulativeIncrements}). */
export function itemEventIncrements(e: FeatureEvent, nowMs: number): Increment[] {
  return windowIncrements(e, nowMs, (stat) => stat);
}

/** Cumulative (all-time) counter increments of an item or creator for one event. */
export function cumulativeIncrements(e: Pick<FeatureEvent, 'type' | 'watchSeconds'>): Array<[Stat, number]> {
  return statIncrements(e);
}

/**
 * The grain every window's bucket is a whole multiple of: events summed per grain (as Postgres does
 * for the item micro-batches) fall into one bucket of every window, so sums per grain roll up exactly.
 */
export const FEATURE_GRAIN_SECONDS = 600;

/** Events of one type summed over one grain: `n` of them, watch deciseconds `wds` and their squares `wds2`. */
export interface GrainAggregate {
  type: EventType;
  /** floor(epoch seconds / {@link FEATURE_GRAIN_SECONDS}). */
  grain: number;
  n: number;
  wds: number;
  wds2: number;
}

/** Counter increments of a {@link GrainAggregate}: the same as its events' one by one. */
export function aggregateStatIncrements(a: GrainAggregate): Array<[Stat, number]> {
  const out: Array<[Stat, number]> = [[a.type, a.n]];
  if (a.type === 'watch' && a.n > 0) out.push(['wds', a.wds], ['wds2', a.wds2]);
  return out;
}

/** Window increments (bare-stat fields, an item's or creator's) of a {@link GrainAggregate}, as {@link itemEventIncrements} gives for its events. */
export function aggregateWindowIncrements(a: GrainAggregate, nowMs: number): Increment[] {
  const atMs = a.grain * FEATURE_GRAIN_SECONDS * 1000;
  const out: Increment[] = [];
  for (const w of FEATURE_WINDOWS) {
    const bucket = bucketOf(atMs, w);
    const expiresAtMs = bucketExpiresAtMs(bucket, w);
    if (expiresAtMs <= nowMs) continue;
    for (const [field, by] of aggregateStatIncrements(a)) out.push({ window: w.name, bucket, field, by, expiresAtMs });
  }
  return out;
}

// ------------------------------------------------------------------------------------ reading

/** Counts over one window (or all time). */
export interface Counts {
  impression: number;
  click: number;
  skip: number;
  watch: number;
  purchase: number;
  /** Watch deciseconds, and their squares. */
  wds: number;
  wds2: number;
}

export const zeroCounts = (): Counts => ({ impression: 0, click: 0, skip: 0, watch: 0, purchase: 0, wds: 0, wds2: 0 });

/** A bucket hash as read: field → integer count. */
export type BucketHash = Readonly<Record<string, string | number>>;

const isStat = (s: string): s is Stat => (STATS as readonly string[]).includes(s);

/** Ratios and moments of a {@link Counts}: what models see. */
export interface WindowStats extends Counts {
  /** clicks / impressions (0 without impressions). */
  ctr: number;
  /** skips / (skips + watches + clicks): of the items the user reacted to, the share skipped (0 without reactions). */
  skipRate: number;
  /** Seconds watched in all, mean and population standard deviation per watch event. */
  watchSeconds: number;
  watchMean: number;
  watchStd: number;
}

export function windowStats(c: Counts): WindowStats {
  const reacted = c.skip + c.watch + c.click;
  const mean = c.watch ? c.wds / c.watch : 0;
  const variance = c.watch ? Math.max(0, c.wds2 / c.watch - mean * mean) : 0;
  return {
    ...c,
    ctr: c.impression ? c.click / c.impression : 0,
    skipRate: reacted ? c.skip / reacted : 0,
    watchSeconds: c.wds / 10,
    watchMean: mean / 10,
    watchStd: Math.sqrt(variance) / 10,
  };
}

/** A user's features at one moment: per window, the totals and the same per category. */
export interface UserFeatures {
  atMs: number;
  windows: Record<WindowName, WindowStats & { byCategory: Record<string, WindowStats> }>;
}

/**
 * A user's features from their bucket hashes: `buckets[window]` maps a bucket number to its hash
 * (missing or expired buckets simply absent). Only the buckets counted at `nowMs` are summed.
 */
export function userFeatures(buckets: Readonly<Record<WindowName, ReadonlyMap<number, BucketHash>>>, nowMs: number): UserFeatures {
  const windows = {} as UserFeatures['windows'];
  for (const w of FEATURE_WINDOWS) {
    const total = zeroCounts();
    const byCat = new Map<string, Counts>();
    for (const b of bucketsAt(nowMs, w)) {
      const h = buckets[w.name].get(b);
      if (!h) continue;
      for (const [field, raw] of Object.entries(h)) {
        const colon = field.indexOf(':');
        const stat = field.slice(0, colon);
        if (colon < 0 || !isStat(stat)) continue;
        const cat = field.slice(colon + 1);
        const n = Number(raw);
        total[stat] += n;
        let c = byCat.get(cat);
        if (!c) byCat.set(cat, (c = zeroCounts()));
        c[stat] += n;
      }
    }
    const byCategory: Record<string, WindowStats> = {};
    for (const [cat, c] of [...byCat].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) byCategory[cat] = windowStats(c);
    windows[w.name] = { ...windowStats(total), byCategory };
  }
  return { atMs: nowMs, windows };
}

/** Sums one window's bucket hashes of an item or creator (fields are bare stats). */
export function sumBuckets(buckets: ReadonlyMap<number, BucketHash>, w: FeatureWindow, nowMs: number): Counts {
  const c = zeroCounts();
  for (const b of bucketsAt(nowMs, w)) {
    const h = buckets.get(b);
    if (h) addHash(c, h);
  }
  return c;
}

/** Adds a hash of bare-stat fields into `c`. */
export function addHash(c: Counts, h: BucketHash): Counts {
  for (const [field, raw] of Object.entries(h)) if (isStat(field)) c[field] += Number(raw);
  return c;
}

/** An item as the features see it: when it was created and by whom. */
export interface ItemMeta {
  createdAtMs: number;
  creator: string;
  category: string;
}

/** Smoothing of item and creator CTRs: prior 2 % worth 100 impressions (recsys-domain `smoothedCtr`). */
export const CTR_PRIOR = 0.02;
export const CTR_PRIOR_IMPRESSIONS = 100;

export interface ItemFeatures {
  atMs: number;
  /** All-time counts and stats. */
  total: WindowStats;
  /** Smoothed all-time CTR. */
  ctr: number;
  /** Hours since the item was created (0 when unknown). */
  ageHours: number;
  /** The creator's smoothed all-time CTR over all their items. */
  creatorQuality: number;
  creatorWatchMean: number;
  windows: Record<WindowName, WindowStats & { smoothedCtr: number }>;
}

export function itemFeatures(input: { meta: ItemMeta | null; total: Counts; creator: Counts; windows: Record<WindowName, Counts> }, nowMs: number): ItemFeatures {
  const smooth = (c: Counts) => smoothedCtr({ clicks: c.click, impressions: c.impression }, CTR_PRIOR, CTR_PRIOR_IMPRESSIONS);
  const windows = {} as ItemFeatures['windows'];
  for (const w of FEATURE_WINDOWS) windows[w.name] = { ...windowStats(input.windows[w.name]), smoothedCtr: smooth(input.windows[w.name]) };
  const creator = windowStats(input.creator);
  return {
    atMs: nowMs,
    total: windowStats(input.total),
    ctr: smooth(input.total),
    ageHours: input.meta ? Math.max(0, nowMs - input.meta.createdAtMs) / 3_600_000 : 0,
    creatorQuality: smooth(input.creator),
    creatorWatchMean: creator.watchMean,
    windows,
  };
}

// ------------------------------------------------------------------------------------ vectors

const WINDOW_NAMES: readonly WindowName[] = FEATURE_WINDOWS.map((w) => w.name);
const log1p = (x: number) => Math.log1p(Math.max(0, x));

/** Names of {@link userVector}'s entries, in order. */
export const USER_FEATURE_NAMES: readonly string[] = WINDOW_NAMES.flatMap((w) =>
  ['log_impressions', 'log_clicks', 'log_skips', 'log_watches', 'log_purchases', 'ctr', 'skip_rate', 'log_watch_mean_s', 'log_watch_std_s'].map((f) => `user.${w}.${f}`),
);

/** A user's dense features: per window, counts (log1p), CTR, skip rate, watch-time mean/spread (log1p seconds). */
export function userVector(f: UserFeatures): Float32Array {
  const out = new Float32Array(USER_FEATURE_NAMES.length);
  let i = 0;
  for (const w of WINDOW_NAMES) {
    const s = f.windows[w];
    for (const v of [log1p(s.impression), log1p(s.click), log1p(s.skip), log1p(s.watch), log1p(s.purchase), s.ctr, s.skipRate, log1p(s.watchMean), log1p(s.watchStd)]) out[i++] = v;
  }
  return out;
}

/** Names of {@link pairVector}'s entries, in order. */
export const PAIR_FEATURE_NAMES: readonly string[] = WINDOW_NAMES.flatMap((w) => ['category_share', 'category_skip_rate', 'log_category_watch_s'].map((f) => `pair.${w}.${f}`));

/**
 * The user's affinity to an item's category: per window, the category's share of the user's
 * engagements (clicks + watches + purchases), the user's skip rate in it, and seconds watched in it.
 */
export function pairVector(f: UserFeatures, category: string): Float32Array {
  const out = new Float32Array(PAIR_FEATURE_NAMES.length);
  let i = 0;
  for (const w of WINDOW_NAMES) {
    const all = f.windows[w];
    const c = all.byCategory[category];
    const engaged = all.click + all.watch + all.purchase;
    out[i++] = c && engaged ? (c.click + c.watch + c.purchase) / engaged : 0;
    out[i++] = c ? c.skipRate : 0;
    out[i++] = c ? log1p(c.watchSeconds) : 0;
  }
  return out;
}

/** Names of {@link itemVector}'s entries, in order. */
export const ITEM_FEATURE_NAMES: readonly string[] = [
  'item.ctr',
  'item.log_impressions',
  'item.log_watch_mean_s',
  'item.skip_rate',
  'item.log_age_h',
  'item.creator_quality',
  'item.log_creator_watch_mean_s',
  ...WINDOW_NAMES.flatMap((w) => [`item.${w}.ctr`, `item.${w}.log_impressions`]),
];

export function itemVector(f: ItemFeatures): Float32Array {
  const v = [f.ctr, log1p(f.total.impression), log1p(f.total.watchMean), f.total.skipRate, log1p(f.ageHours), f.creatorQuality, log1p(f.creatorWatchMean)];
  for (const w of WINDOW_NAMES) v.push(f.windows[w].smoothedCtr, log1p(f.windows[w].impression));
  return Float32Array.from(v);
}

// ------------------------------------------------------------------------------------ in memory

/**
 * The feature store's arithmetic in memory: applies the same increments the Redis store applies,
 * so training can recompute any user's or item's features at any moment from the event log
 * (`events` with `atMs ≤ nowMs`, in any order) and get what serving read at that moment.
 */
export function foldUserEvents(events: Iterable<FeatureEvent>, nowMs: number): UserFeatures {
  const buckets = emptyBuckets();
  for (const e of events) {
    if (e.atMs > nowMs) continue;
    for (const inc of userEventIncrements(e, nowMs)) addTo(buckets[inc.window], inc);
  }
  return userFeatures(buckets, nowMs);
}

/** An item's features recomputed from its events (and its creator's), as {@link foldUserEvents}. */
export function foldItemEvents(itemEvents: Iterable<FeatureEvent>, creatorEvents: Iterable<FeatureEvent>, meta: ItemMeta | null, nowMs: number): ItemFeatures {
  const buckets = emptyBuckets();
  const total = zeroCounts();
  for (const e of itemEvents) {
    if (e.atMs > nowMs) continue;
    for (const [stat, by] of cumulativeIncrements(e)) total[stat] += by;
    for (const inc of itemEventIncrements(e, nowMs)) addTo(buckets[inc.window], inc);
  }
  const creator = zeroCounts();
  for (const e of creatorEvents) if (e.atMs <= nowMs) for (const [stat, by] of cumulativeIncrements(e)) creator[stat] += by;
  const windows = {} as Record<WindowName, Counts>;
  for (const w of FEATURE_WINDOWS) windows[w.name] = sumBuckets(buckets[w.name], w, nowMs);
  return itemFeatures({ meta, total, creator, windows }, nowMs);
}

type MutableBuckets = Record<WindowName, Map<number, Record<string, number>>>;

export function emptyBuckets(): MutableBuckets {
  return { '1h': new Map(), '24h': new Map(), '7d': new Map() };
}

function addTo(m: Map<number, Record<string, number>>, inc: Increment): void {
  let h = m.get(inc.bucket);
  if (!h) m.set(inc.bucket, (h = {}));
  h[inc.field] = (h[inc.field] ?? 0) + inc.by;
}
