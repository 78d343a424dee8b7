import type { FeatureStore } from '@frontier/recsys-data-access';
import { ITEM_INPUT_NAMES, itemModelInput, trendingBoost, type ItemFeatures, type UserFeatures, type WindowCounts } from '@frontier/recsys-domain';
import { SlabCache } from './slab';

/** What ranking keeps of an item's features: compact, so a cache of a million items stays in the hundreds of MB. */
export interface RankingItemFeatures {
  /** The item tower's input (recsys-domain `itemModelInput`, layout tt-inputs-v1). */
  readonly input: Float32Array;
  /** Smoothed all-time CTR. */
  readonly ctr: number;
  /** Clicks and impressions of the last hour and of 7 days (the trending boost). */
  readonly lastHour: WindowCounts;
  readonly week: WindowCounts;
}

/** The compact form of an item's features. */
export function rankingItemFeatures(f: ItemFeatures, category: string): RankingItemFeatures {
  const w = f.windows;
  return {
    input: itemModelInput(f, category),
    ctr: f.ctr,
    lastHour: { clicks: w['1h'].click, impressions: w['1h'].impression },
    week: { clicks: w['7d'].click, impressions: w['7d'].impression },
  };
}

/** An item to read features of: its id and category (the item input one-hot encodes the category). */
export interface ItemRef {
  readonly id: string;
  readonly category: string;
}

/**
 * What ranking reads from the feature store (the one feature definition of recsys-domain
 * `features/`, the same numbers training recomputes). A port, so the benchmark and tests can hand
 * over features without Redis; the app uses {@link StoreRankingFeatures}.
 */
export abstract class RankingFeatures {
  /** A user's window counts at `nowMs` (all zero for a user never seen). */
  abstract user(tenantId: string, userId: string, nowMs: number): Promise<UserFeatures>;
  /** Items' features at `nowMs`, aligned with `items` (one row each); an item with no counts gets the priors. */
  abstract items(tenantId: string, items: readonly ItemRef[], nowMs: number): Promise<RankingItemBatch>;
  /**
   * A number that changes whenever item features may have changed (the item-stats run counter):
   * caches of anything computed from item features are valid while it stays the same.
   */
  abstract itemsVersion(tenantId: string): number;
}

const D = ITEM_INPUT_NAMES.length;
/** A cached row: the item input, then smoothed CTR, clicks and impressions of 1 h, of 7 d. */
const WIDTH = D + 5;

function toRow(f: RankingItemFeatures): Float32Array {
  const row = new Float32Array(WIDTH);
  row.set(f.input, 0);
  row[D] = f.ctr;
  row[D + 1] = f.lastHour.clicks;
  row[D + 2] = f.lastHour.impressions;
  row[D + 3] = f.week.clicks;
  row[D + 4] = f.week.impressions;
  return row;
}

/**
 * A request's item features: one row of {@link WIDTH} floats per item (the item input, then smoothed
 * CTR, clicks and impressions of 1 h and of 7 d) in one array, copied out of the cache (a view could
 * be overwritten by another request's read meanwhile). No object per item: those, 200 a request,
 * were most of what a request left for the garbage collector, and once V8 pretenured their
 * allocation site (as it does after a burst in which most of them survive, e.g. a cold read),
 * every one of them went straight to the old generation and only a Mark-Compact freed them.
 */
export class RankingItemBatch {
  /** Scratch counts for {@link trending} (no object a call). */
  private readonly hour = { clicks: 0, impressions: 0 };
  private readonly week = { clicks: 0, impressions: 0 };

  constructor(
    readonly length: number,
    readonly rows: Float32Array = new Float32Array(length * WIDTH),
  ) {}

  /** Item `i`'s model input (a view into the batch). */
  input(i: number): Float32Array {
    return this.rows.subarray(i * WIDTH, i * WIDTH + D);
  }
  ctr(i: number): number {
    return this.rows[i * WIDTH + D] as number;
  }
  /** recsys-domain `trendingBoost` of item `i` (last hour against 7 days). */
  trending(i: number): number {
    const o = i * WIDTH + D;
    this.hour.clicks = this.rows[o + 1] as number;
    this.hour.impressions = this.rows[o + 2] as number;
    this.week.clicks = this.rows[o + 3] as number;
    this.week.impressions = this.rows[o + 4] as number;
    return trendingBoost(this.hour, this.week);
  }
  /** Item `i` as an object (tests, tools: the request path reads the row). */
  get(i: number): RankingItemFeatures {
    const o = i * WIDTH + D;
    const r = this.rows;
    return { input: this.input(i).slice(), ctr: r[o] as number, lastHour: { clicks: r[o + 1] as number, impressions: r[o + 2] as number }, week: { clicks: r[o + 3] as number, impressions: r[o + 4] as number } };
  }
}

/** Per-tenant state of the item-feature cache. */
interface TenantItems {
  version: number;
  checkedAt: number;
  pending: Promise<void> | null;
  entries: SlabCache;
  /** Stale entries queued for a background re-read, and whether one runs. */
  stale: Map<string, string>;
  refreshing: boolean;
}

export interface StoreRankingFeaturesOptions {
  /** How often the tenant's items-version is re-read (ms). Default 1000. */
  readonly versionCheckMs?: number;
  /** Most cached items per tenant (oldest inserted dropped first; ~150 bytes each in one flat array). Default 1,000,000. */
  readonly maxItemsPerTenant?: number;
}

/**
 * {@link RankingFeatures} over the Redis {@link FeatureStore}. A user's features are read on every
 * request (one pipelined round trip). Item features only change when an item-stats run is applied
 * (every 5 minutes), which bumps the tenant's `items-version`; the version is re-read at most every
 * `versionCheckMs`, off the request path once known. Items are cached in their compact form: a
 * request reads from Redis only items it has never seen (the store keeps ~45 hashes an item, so
 * 200 unseen candidates cost ~100 ms); an entry of an older version is served as it is (stale by
 * one 5-minute run at most) while a background task re-reads it.
 */
export class StoreRankingFeatures extends RankingFeatures {
  private readonly tenants = new Map<string, TenantItems>();
  private readonly versionCheckMs: number;
  private readonly maxItems: number;
  /** Items read from Redis vs served from the cache, for metrics and the benchmark. */
  readonly stats = { itemReads: 0, itemHits: 0, staleRefreshed: 0 };

  constructor(
    private readonly store: FeatureStore,
    o: StoreRankingFeaturesOptions = {},
  ) {
    super();
    this.versionCheckMs = o.versionCheckMs ?? 1_000;
    this.maxItems = o.maxItemsPerTenant ?? 1_000_000;
  }

  user(tenantId: string, userId: string, nowMs: number): Promise<UserFeatures> {
    return this.store.readUser(tenantId, userId, nowMs);
  }

  itemsVersion(tenantId: string): number {
    return this.tenants.get(tenantId)?.version ?? -1;
  }

  private async tenant(tenantId: string): Promise<TenantItems> {
    let t = this.tenants.get(tenantId);
    if (!t) {
      t = { version: await this.store.itemsVersion(tenantId), checkedAt: Date.now(), pending: null, entries: new SlabCache(WIDTH, this.maxItems), stale: new Map(), refreshing: false };
      this.tenants.set(tenantId, t);
    } else if (Date.now() - t.checkedAt > this.versionCheckMs && !t.pending) {
      // refreshed in the background: this request uses the version known so far
      const state = t;
      state.checkedAt = Date.now();
      state.pending = this.store
        .itemsVersion(tenantId)
        .then((v) => {
          state.version = v;
        })
        .catch(() => undefined)
        .finally(() => {
          state.pending = null;
        });
    }
    return t;
  }

  async items(tenantId: string, items: readonly ItemRef[], nowMs: number): Promise<RankingItemBatch> {
    const t = await this.tenant(tenantId);
    const batch = new RankingItemBatch(items.length);
    let missing: number[] | null = null;
    for (let i = 0; i < items.length; i++) {
      const it = items[i] as ItemRef;
      const s = t.entries.slot(it.id);
      if (s < 0 || t.entries.tagAt(s) !== it.category) (missing ??= []).push(i);
      else {
        t.entries.copyRow(s, batch.rows, i * WIDTH);
        if (t.entries.versionAt(s) !== t.version) t.stale.set(it.id, it.category);
      }
    }
    this.stats.itemHits += items.length - (missing?.length ?? 0);
    if (missing) {
      const m = missing;
      this.stats.itemReads += m.length;
      await this.read(
        tenantId,
        t,
        m.map((i) => items[i] as ItemRef),
        nowMs,
        (r, row) => batch.rows.set(row, (m[r] as number) * WIDTH),
      );
    }
    if (t.stale.size && !t.refreshing) void this.refreshStale(tenantId, t);
    return batch;
  }

  /** Reads items from the store into the cache; `use` gets each cached row while it is valid (a view into the slab). */
  private async read(tenantId: string, t: TenantItems, refs: readonly ItemRef[], nowMs: number, use?: (r: number, row: Float32Array) => void): Promise<void> {
    const version = t.version;
    const read = await this.store.readItems(
      tenantId,
      refs.map((r) => r.id),
      nowMs,
    );
    refs.forEach(({ id, category }, r) => {
      // what every later hit will see (float32), from the first request on
      const row = t.entries.set(id, version, toRow(rankingItemFeatures(read.get(id) as ItemFeatures, category)), category);
      use?.(r, row);
    });
  }

  /** Re-reads stale entries in the background, 200 at a time. */
  private async refreshStale(tenantId: string, t: TenantItems): Promise<void> {
    t.refreshing = true;
    try {
      while (t.stale.size) {
        const chunk = [...t.stale].slice(0, 200).map(([id, category]) => ({ id, category }));
        for (const r of chunk) t.stale.delete(r.id);
        this.stats.staleRefreshed += chunk.length;
        await this.read(tenantId, t, chunk, Date.now());
      }
    } catch {
      t.stale.clear(); // Redis trouble: the entries stay as they are, and are queued again when next served
    } finally {
      t.refreshing = false;
    }
  }
}
