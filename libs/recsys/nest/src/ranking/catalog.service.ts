import { Logger } from '@nestjs/common';
import { currentBuildId, ItemSnapshot } from '@frontier/recsys-ann';
import { RecsysIndexJobs } from '@frontier/recsys-contracts';
import type { RankingCatalogRepository } from '@frontier/recsys-data-access';
import type { RankingBus } from './bus';
import { CATCH_UP_OVERLAP_MS, TenantCatalog } from './catalog';
import type { RankingSettings } from './settings';

/** Asks for an index rebuild (recsys-worker's job); absent where no queue is wired. */
export type RebuildRequester = (tenantId: string) => Promise<unknown>;

interface TenantState {
  catalog: TenantCatalog | null;
  loading: Promise<TenantCatalog | null> | null;
  catchingUp: Promise<void> | null;
  reloading: Promise<void> | null;
  /** When a tenant with nothing servable was last looked at. */
  emptyCheckedAt: number;
  popular: { ids: string[]; engagements: Map<string, number>; at: number; pending: Promise<void> | null };
  rebuildRequestedAt: number;
}

const PAGE = 1_000;

/**
 * The servable catalogues of the tenants this replica serves, loaded on a tenant's first request:
 * the tenant's current index build from the shared index folder (if any), then every item changed
 * since that build's watermark into the brute-force buffer. Kept current by reading the items
 * changed since the replica's cursor every `itemsPollMs` and on each items-changed message; a newer
 * build (index-built message, or found on disk every `indexPollMs`) is loaded and caught up beside
 * the serving one, then swapped in. A buffer past `bufferRebuildAt` asks recsys-worker for a build.
 */
export class ItemCatalogService {
  private readonly log = new Logger('RankingCatalog');
  private readonly tenants = new Map<string, TenantState>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly repo: RankingCatalogRepository,
    private readonly settings: RankingSettings,
    private readonly requestRebuild: RebuildRequester | null = null,
  ) {}

  /** Starts the pollers and listens on the bus. */
  start(bus: RankingBus | null): void {
    bus?.on('itemsChanged', (m) => this.tenants.has(m.tenantId) && void this.catchUp(m.tenantId).catch((e: Error) => this.log.warn(`catch-up of ${m.tenantId}: ${e.message}`)));
    bus?.on('indexBuilt', (m) => this.tenants.has(m.tenantId) && void this.reload(m.tenantId, m.buildId).catch((e: Error) => this.log.warn(`loading build ${m.buildId} of ${m.tenantId}: ${e.message}`)));
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.settings.itemsPollMs, () => {
      for (const id of this.tenants.keys()) void this.catchUp(id).catch((e: Error) => this.log.warn(`catch-up of ${id}: ${e.message}`));
    });
    every(this.settings.indexPollMs, () => {
      for (const id of this.tenants.keys()) void this.reload(id).catch((e: Error) => this.log.warn(`index check of ${id}: ${e.message}`));
    });
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private state(tenantId: string): TenantState {
    let s = this.tenants.get(tenantId);
    if (!s) {
      s = { catalog: null, loading: null, catchingUp: null, reloading: null, emptyCheckedAt: 0, popular: { ids: [], engagements: new Map(), at: 0, pending: null }, rebuildRequestedAt: 0 };
      this.tenants.set(tenantId, s);
    }
    return s;
  }

  /** The tenant's catalogue (loaded on first use); null while it has no servable item. */
  async catalog(tenantId: string): Promise<TenantCatalog | null> {
    const s = this.state(tenantId);
    if (s.catalog) return s.catalog;
    if (!s.loading && Date.now() - s.emptyCheckedAt < this.settings.itemsPollMs) return null;
    s.loading ??= this.load(tenantId).finally(() => {
      s.loading = null;
    });
    return s.loading;
  }

  private async load(tenantId: string): Promise<TenantCatalog | null> {
    const s = this.state(tenantId);
    const snapshot = await ItemSnapshot.load(this.settings.indexDir, tenantId);
    const dim = snapshot?.dim ?? (await this.repo.dominantDimension(tenantId));
    if (dim === null) {
      s.emptyCheckedAt = Date.now();
      return null;
    }
    const c = new TenantCatalog(tenantId, dim, snapshot);
    await this.drain(c);
    s.catalog = c;
    this.log.log(`tenant ${tenantId}: ${snapshot ? `index build ${snapshot.meta.buildId} (${snapshot.count} items)` : 'no index build'} + ${c.buffer.size} buffered`);
    this.maybeRequestRebuild(tenantId, c);
    return c;
  }

  /** Reads every change after the catalogue's cursor (minus the overlap) into it. */
  private async drain(c: TenantCatalog): Promise<void> {
    for (;;) {
      const rows = await this.repo.changedSince(c.tenantId, c.cursor, PAGE);
      c.apply(rows);
      if (rows.length < PAGE) return;
    }
  }

  /** Applies the items changed since the serving catalogue's cursor (single flight per tenant). */
  async catchUp(tenantId: string): Promise<void> {
    const s = this.state(tenantId);
    if (!s.catalog) {
      await this.catalog(tenantId);
      return;
    }
    const c = s.catalog;
    s.catchingUp ??= (async () => {
      // re-read from a little before the cursor: a write committed late may carry an older updated_at
      const from = { updatedAt: new Date(c.cursor.updatedAt.getTime() - CATCH_UP_OVERLAP_MS), id: '' };
      for (let after = from; ; ) {
        const rows = await this.repo.changedSince(tenantId, after, PAGE);
        c.apply(rows);
        if (rows.length < PAGE) break;
        const last = rows[rows.length - 1];
        after = { updatedAt: last.updatedAt, id: last.id };
      }
      this.maybeRequestRebuild(tenantId, c);
    })().finally(() => {
      s.catchingUp = null;
    });
    await s.catchingUp;
  }

  /** Loads the tenant's current build when it is not the one serving (caught up before it is swapped in). */
  async reload(tenantId: string, buildId?: string): Promise<void> {
    const s = this.state(tenantId);
    s.reloading ??= (async () => {
      const current = buildId ?? (await currentBuildId(this.settings.indexDir, tenantId));
      if (!current || current === s.catalog?.buildId) return;
      const snapshot = await ItemSnapshot.load(this.settings.indexDir, tenantId, current);
      if (!snapshot) return;
      const c = new TenantCatalog(tenantId, snapshot.dim, snapshot);
      await this.drain(c);
      const before = s.catalog;
      s.catalog = c;
      this.log.log(`tenant ${tenantId}: now serving index build ${current} (${snapshot.count} items, ${c.buffer.size} buffered; was ${before?.buildId ?? 'none'} with ${before?.buffer.size ?? 0} buffered)`);
    })().finally(() => {
      s.reloading = null;
    });
    await s.reloading;
  }

  private maybeRequestRebuild(tenantId: string, c: TenantCatalog): void {
    const s = this.state(tenantId);
    if (!this.requestRebuild || c.buffer.size <= this.settings.bufferRebuildAt || Date.now() - s.rebuildRequestedAt < 10 * 60_000) return;
    s.rebuildRequestedAt = Date.now();
    this.log.log(`tenant ${tenantId}: ${c.buffer.size} items buffered (> ${this.settings.bufferRebuildAt}), asking for an index build`);
    this.requestRebuild(tenantId).catch((e: Error) => this.log.warn(`asking for an index build of ${tenantId}: ${e.message}`));
  }

  /** The most engaged items of the last 24 h (ids best first, with engagement counts); re-read in the background every `popularRefreshMs`. */
  async popular(tenantId: string): Promise<{ ids: string[]; engagements: Map<string, number> }> {
    const s = this.state(tenantId);
    const p = s.popular;
    const refresh = () =>
      this.repo
        .popular(tenantId, new Date(Date.now() - 24 * 3_600_000), Math.max(this.settings.coldStartPool, this.settings.popularCandidates) * 2)
        .then((rows) => {
          p.ids = rows.map((r) => r.id);
          p.engagements = new Map(rows.map((r) => [r.id, r.engagements]));
          p.at = Date.now();
        })
        .finally(() => {
          p.pending = null;
        });
    if (p.at === 0) {
      p.pending ??= refresh();
      await p.pending;
    } else if (Date.now() - p.at > this.settings.popularRefreshMs && !p.pending) {
      p.pending = refresh().catch((e: Error) => this.log.warn(`popularity of ${tenantId}: ${e.message}`));
    }
    return { ids: p.ids, engagements: p.engagements };
  }

  /** What this replica serves per tenant (for logs, health and tests). */
  describe(tenantId: string): { buildId: string | null; indexed: number; buffered: number } | null {
    const c = this.tenants.get(tenantId)?.catalog;
    return c ? { buildId: c.buildId, indexed: c.snapshot?.liveCount ?? 0, buffered: c.buffer.size } : null;
  }
}

/** A {@link RebuildRequester} over the job queue. */
export const rebuildViaQueue =
  (enqueue: (job: typeof RecsysIndexJobs.rebuildIndex, data: { tenantId: string }) => Promise<unknown>): RebuildRequester =>
  (tenantId) =>
    enqueue(RecsysIndexJobs.rebuildIndex, { tenantId });
