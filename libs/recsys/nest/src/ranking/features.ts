import type { FeatureStore } from '@frontier/recsys-data-access';
import { ITEM_INPUT_NAMES, itemModelInput, type ItemFeatures, type UserFeatures, type WindowCounts } from '@frontier/recsys-domain';
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
  /** Items' features at `nowMs`, aligned with `items`; an item with no counts gets the priors. */
  abstract items(tenantId: string, items: readonly ItemRef[], nowMs: number): Promise<RankingItemFeatures[]>;
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

/** A copy out of the slab (a view could be overwritten by another request's read meanwhile). */
function fromRow(row: Float32Array): RankingItemFeatures {
  return {
    input: row.slice(0, D),
    ctr: row[D],
    lastHour: { clicks: row[D + 1], impressions: row[D + 2] },
    week: { clicks: row[D + 3], impressions: row[D + 4] },
  };
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

  async items(tenantId: string, items: readonly ItemRef[], nowMs: number): Promise<RankingItemFeatures[]> {
    const t = await this.tenant(tenantId);
    const out = new Array<RankingItemFeatures>(items.length);
    const missing: number[] = [];
    items.forEach((it, i) => {
      const c = t.entries.peek(it.id);
      if (!c || c.tag !== it.category) missing.push(i);
      else {
        out[i] = fromRow(c.row);
        if (c.version !== t.version) t.stale.set(it.id, it.category);
      }
    });
    this.stats.itemHits += items.length - missing.length;
    if (missing.length) {
      this.stats.itemReads += missing.length;
      await this.read(
        tenantId,
        t,
        missing.map((i) => items[i]),
        nowMs,
      ).then((got) => missing.forEach((i, r) => (out[i] = got[r])));
    }
    if (t.stale.size && !t.refreshing) void this.refreshStale(tenantId, t);
    return out;
  }

  private async read(tenantId: string, t: TenantItems, refs: readonly ItemRef[], nowMs: number): Promise<RankingItemFeatures[]> {
    const version = t.version;
    const read = await this.store.readItems(
      tenantId,
      refs.map((r) => r.id),
      nowMs,
    );
    return refs.map(({ id, category }) => {
      // what every later hit will see (float32), from the first request on
      return fromRow(t.entries.set(id, version, toRow(rankingItemFeatures(read.get(id) as ItemFeatures, category)), category));
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
