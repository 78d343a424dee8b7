import type { FeatureStore } from '@frontier/recsys-data-access';
import type { ItemFeatures, UserFeatures } from '@frontier/recsys-domain';

/**
 * What ranking reads from the feature store (the one feature definition of recsys-domain
 * `features/`, the same numbers training recomputes). A port, so the benchmark and tests can hand
 * over features without Redis; the app uses {@link StoreRankingFeatures}.
 */
export abstract class RankingFeatures {
  /** A user's window counts at `nowMs` (all zero for a user never seen). */
  abstract user(tenantId: string, userId: string, nowMs: number): Promise<UserFeatures>;
  /** Items' features at `nowMs`; an item with no counts gets the priors. */
  abstract items(tenantId: string, itemIds: readonly string[], nowMs: number): Promise<Map<string, ItemFeatures>>;
  /**
   * A number that changes whenever item features may have changed (the item-stats run counter):
   * caches of anything computed from item features are valid while it stays the same.
   */
  abstract itemsVersion(tenantId: string): number;
}

interface CachedItem {
  version: number;
  features: ItemFeatures;
}

/** Per-tenant state of the item-feature cache. */
interface TenantItems {
  version: number;
  checkedAt: number;
  pending: Promise<void> | null;
  entries: Map<string, CachedItem>;
}

export interface StoreRankingFeaturesOptions {
  /** How often the tenant's items-version is re-read (ms). Default 1000. */
  readonly versionCheckMs?: number;
  /** Most cached items per tenant (oldest inserted dropped first). Default 1,000,000. */
  readonly maxItemsPerTenant?: number;
}

/**
 * {@link RankingFeatures} over the Redis {@link FeatureStore}. A user's features are read on every
 * request (one pipelined round trip). Item features only change when an item-stats run is applied
 * (every 5 minutes), which bumps the tenant's `items-version`: they are cached per item and version,
 * the version re-read at most every `versionCheckMs` (off the request path once known), so a
 * request reads from Redis only the candidates it has not seen since the last run.
 */
export class StoreRankingFeatures extends RankingFeatures {
  private readonly tenants = new Map<string, TenantItems>();
  private readonly versionCheckMs: number;
  private readonly maxItems: number;
  /** Items read from Redis vs served from the cache, for metrics and the benchmark. */
  readonly stats = { itemReads: 0, itemHits: 0 };

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
      t = { version: await this.store.itemsVersion(tenantId), checkedAt: Date.now(), pending: null, entries: new Map() };
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

  async items(tenantId: string, itemIds: readonly string[], nowMs: number): Promise<Map<string, ItemFeatures>> {
    const t = await this.tenant(tenantId);
    const out = new Map<string, ItemFeatures>();
    const missing: string[] = [];
    for (const id of itemIds) {
      const c = t.entries.get(id);
      if (c && c.version === t.version) out.set(id, c.features);
      else missing.push(id);
    }
    this.stats.itemHits += itemIds.length - missing.length;
    if (missing.length) {
      this.stats.itemReads += missing.length;
      const version = t.version;
      const read = await this.store.readItems(tenantId, missing, nowMs);
      for (const id of missing) {
        const f = read.get(id);
        if (!f) continue;
        out.set(id, f);
        if (t.entries.size >= this.maxItems) t.entries.delete(t.entries.keys().next().value as string);
        t.entries.set(id, { version, features: f });
      }
    }
    return out;
  }
}
