import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { RecsysJobs } from '@frontier/recsys-contracts';
import { EventRepository, FeatureStore, ItemRepository, type ApplyOutcome, type CounterOp, type StoredEvent } from '@frontier/recsys-data-access';
import {
  aggregateStatIncrements,
  aggregateWindowIncrements,
  detectCtrSpike,
  FEATURE_GRAIN_SECONDS,
  foldItemEvents,
  foldUserEvents,
  LONGEST_WINDOW_MS,
  userEventIncrements,
  type ItemFeatures,
  type UserFeatures,
} from '@frontier/recsys-domain';
import { JobQueue } from '@frontier/platform-queue';
import { FrontierError } from '@frontier/platform-util';
import { defaults, RECSYS_CONFIG, type RecsysConfig } from '../config';

/** Clock skew an event's `at` may have over its arrival (platform-util's event times: now + 5 min). */
const SKEW_MS = 5 * 60_000;

export interface BatchOutcome {
  batchId: string;
  outcome: ApplyOutcome | 'missing';
  /** Events applied (unflagged ones of the batch). */
  events: number;
}

export interface ItemRunOutcome {
  runId: string;
  tenantId: string;
  outcome: ApplyOutcome;
  /** Rows (item × type × grain) the run summed. */
  rows: number;
  /** Items the CTR-spike check flagged in this run. */
  spikes: string[];
}

export interface AggregateReport {
  /** Runs claimed but not applied earlier (a worker died), finished now. */
  resumed: ItemRunOutcome[];
  /** New runs, one per tenant with batches to count. */
  runs: ItemRunOutcome[];
}

export interface ReconcileReport {
  /** Batches left unfeatured past the bound. */
  stale: number;
  requeued: number;
  /** Tenants whose features are missing from Redis: a rebuild was queued. */
  rebuilds: string[];
}

export interface RebuildReport {
  tenantId: string;
  /** false: another rebuild holds the tenant. */
  rebuilt: boolean;
  keysDeleted: number;
  items: number;
  batches: number;
  runs: number;
}

const unavailable = (tenantId: string) =>
  new FrontierError('unavailable', 'recsys.features_rebuilding', `the features of tenant ${tenantId} are being rebuilt; try again shortly`, { retryAfterS: 5 });

/**
 * The feature pipeline (recsys-worker) and the feature reads (serving from Redis, training from the
 * Postgres log): the same recsys-domain definitions on both sides.
 *
 * Exactly once: a batch's user features and an item-stats run are each one atomic Lua apply that
 * checks and sets its idempotency key (`fb:<batch>`, `runs ∋ <run>`) with the counts. Postgres
 * records the step after (`featured_at`, `item_applied_at`); a worker killed in between repeats the
 * apply, which finds its key and changes nothing. Item runs are claimed in Postgres before any count
 * is applied, so a resumed run sums exactly the batches it claimed.
 */
@Injectable()
export class FeaturesService {
  private readonly log = new Logger(FeaturesService.name);
  private readonly config: ReturnType<typeof defaults>;

  constructor(
    private readonly events: EventRepository,
    private readonly items: ItemRepository,
    private readonly store: FeatureStore,
    private readonly jobs: JobQueue,
    @Inject(RECSYS_CONFIG) config: RecsysConfig,
  ) {
    this.config = defaults(config);
  }

  // ---------------------------------------------------------------- pipeline (recsys-worker)

  /** `recsys.feature-batch`: a stored batch's unflagged events into the users' window counts, once. */
  async applyBatch(tenantId: string, batchId: string, o: { force?: boolean; nowMs?: number } = {}): Promise<BatchOutcome> {
    const events = (await this.events.eventsOfBatch(batchId)).filter((e) => !e.flagged);
    const batch = events.length ? null : await this.events.batch(batchId);
    if (!events.length && !batch) return { batchId, outcome: 'missing', events: 0 };
    const ops = this.userOps(tenantId, events, o.nowMs ?? Date.now());
    const outcome = await this.store.applyBatch(tenantId, batchId, ops, { force: o.force ?? false });
    if (outcome === 'busy') throw unavailable(tenantId);
    await this.events.markFeatured(batchId);
    return { batchId, outcome, events: events.length };
  }

  /** Increments of many events summed per key and field (one HINCRBY each in the apply). */
  private userOps(tenantId: string, events: readonly StoredEvent[], nowMs: number): CounterOp[] {
    const ops = new Map<string, CounterOp>();
    for (const e of events) {
      for (const inc of userEventIncrements(e, nowMs)) {
        const key = this.store.userBucketKey(tenantId, e.userId, inc.window, inc.bucket);
        const id = `${key}\u0000${inc.field}`;
        const op = ops.get(id);
        if (op) op.by += inc.by;
        else ops.set(id, { key, field: inc.field, by: inc.by, expiresAtMs: inc.expiresAtMs });
      }
    }
    return [...ops.values()];
  }

  /**
   * `recsys.aggregate-items` (every 5 minutes): first finishes runs a dead worker left claimed, then
   * for each tenant claims the batches stored since the last run and applies their item and
   * creator counts; then the CTR-spike check on the items clicked in the run.
   */
  async aggregateItems(nowMs = Date.now()): Promise<AggregateReport> {
    const resumed: ItemRunOutcome[] = [];
    for (const p of await this.events.pendingItemRuns()) resumed.push(await this.applyItemRun(p.tenantId, p.runId, { nowMs }));
    const runs: ItemRunOutcome[] = [];
    for (const tenantId of await this.events.tenantsWithUnclaimedBatches()) {
      const runId = randomUUID();
      if (!(await this.events.claimItemRun(tenantId, runId, new Date(nowMs - this.config.itemRunLagS * 1000)))) continue;
      runs.push(await this.applyItemRun(tenantId, runId, { nowMs }));
    }
    return { resumed, runs };
  }

  /** Step two of an item-stats run (after its claim): sum, apply once, record; a repeat changes nothing. */
  async applyItemRun(tenantId: string, runId: string, o: { force?: boolean; nowMs?: number; checkSpikes?: boolean } = {}): Promise<ItemRunOutcome> {
    const nowMs = o.nowMs ?? Date.now();
    const rows = await this.events.itemRunAggregates(tenantId, runId, FEATURE_GRAIN_SECONDS);
    const ops = new Map<string, CounterOp>();
    const add = (key: string, field: string, by: number, expiresAtMs: number) => {
      const id = `${key}\u0000${field}`;
      const op = ops.get(id);
      if (op) op.by += by;
      else ops.set(id, { key, field, by, expiresAtMs });
    };
    for (const r of rows) {
      for (const [stat, by] of aggregateStatIncrements(r)) {
        add(this.store.itemKey(tenantId, r.itemId), stat, by, 0);
        if (r.creator) add(this.store.creatorKey(tenantId, r.creator), stat, by, 0);
      }
      for (const inc of aggregateWindowIncrements(r, nowMs)) add(this.store.itemBucketKey(tenantId, r.itemId, inc.window, inc.bucket), inc.field, inc.by, inc.expiresAtMs);
    }
    const outcome = await this.store.applyRun(tenantId, runId, [...ops.values()], { force: o.force ?? false });
    if (outcome === 'busy') throw unavailable(tenantId);
    await this.events.markItemRunApplied(runId);
    const clicked = [...new Set(rows.filter((r) => r.type === 'click').map((r) => r.itemId))];
    const spikes = outcome === 'applied' && o.checkSpikes !== false ? await this.checkSpikes(tenantId, clicked, nowMs) : [];
    return { runId, tenantId, outcome, rows: rows.length, spikes };
  }

  /**
   * recsys-domain's anomaly rule on freshly counted items: 1-hour CTR above `ratio` × the 7-day CTR
   * with enough impressions in the hour flags the item (for review; serving reads the flag) and its
   * last hour of clicks (kept, excluded from training and from features rebuilt later).
   */
  private async checkSpikes(tenantId: string, itemIds: readonly string[], nowMs: number): Promise<string[]> {
    if (!itemIds.length) return [];
    const counts = await this.store.readItemCounts(tenantId, itemIds, nowMs);
    const flagged: string[] = [];
    for (const [id, c] of counts) {
      const v = detectCtrSpike({ clicks: c.windows['1h'].click, impressions: c.windows['1h'].impression }, { clicks: c.windows['7d'].click, impressions: c.windows['7d'].impression }, this.config.spike);
      if (!v.flagged) continue;
      const reason = `ctr-spike: 1h CTR ${v.ctr1h.toFixed(4)} is ${v.ratio.toFixed(1)}x the 7d CTR ${v.ctr7d.toFixed(4)}`;
      await this.store.flagItem(tenantId, id, nowMs, reason);
      const n = await this.events.flagItemEvents(tenantId, id, 'click', new Date(nowMs - 3_600_000), reason);
      this.log.warn(`item ${id} of tenant ${tenantId} flagged for review (${reason}); ${n} click(s) of the last hour excluded from training`);
      flagged.push(id);
    }
    return flagged;
  }

  /**
   * `recsys.reconcile-events` (every minute, and at worker start): batches stored but left
   * unfeatured past the bound (a lost job, Redis down at the time) are queued again; a tenant with
   * recent batches whose features are not in Redis (Redis restarted empty) gets a rebuild queued.
   */
  async reconcile(nowMs = Date.now()): Promise<ReconcileReport> {
    const stale = await this.events.unfeatured(new Date(nowMs - this.config.reconcileAfterS * 1000));
    let requeued = 0;
    for (const b of stale) if ((await this.jobs.requeue(RecsysJobs.featureBatch, { tenantId: b.tenantId, batchId: b.id })).added) requeued++;
    const rebuilds: string[] = [];
    for (const tenantId of await this.events.tenantsWithBatchesSince(new Date(nowMs - LONGEST_WINDOW_MS - SKEW_MS))) {
      if (await this.store.alive(tenantId)) continue;
      await this.jobs.requeue(RecsysJobs.rebuildFeatures, { tenantId });
      rebuilds.push(tenantId);
    }
    return { stale: stale.length, requeued, rebuilds };
  }

  /**
   * `recsys.rebuild-features`: re-derives a tenant's Redis features from Postgres — after Redis lost
   * them, or on demand. Holds the tenant (normal applies answer busy and are retried), deletes its
   * keys, writes every item's metadata, re-applies every batch that can still count in a window
   * (stored in the last 7 days + skew) and every applied item-stats run, then marks the tenant alive.
   * The same applies as the pipeline's, so the result is what the pipeline had built.
   */
  async rebuild(tenantId: string, nowMs = Date.now()): Promise<RebuildReport> {
    const lease = this.config.rebuildLeaseMs;
    if (!(await this.store.beginRebuild(tenantId, lease))) return { tenantId, rebuilt: false, keysDeleted: 0, items: 0, batches: 0, runs: 0 };
    try {
      const keysDeleted = await this.store.wipe(tenantId);
      let items = 0;
      for (let after: string | undefined; ; ) {
        const page = await this.items.metas(tenantId, after === undefined ? {} : { afterId: after });
        if (!page.length) break;
        await this.store.putItemMetas(tenantId, page);
        items += page.length;
        after = page[page.length - 1]?.id;
      }
      const batches = await this.events.batchesSince(tenantId, new Date(nowMs - LONGEST_WINDOW_MS - SKEW_MS));
      for (const [i, batchId] of batches.entries()) {
        await this.applyBatch(tenantId, batchId, { force: true, nowMs });
        if (i % 100 === 99) await this.store.extendRebuild(tenantId, lease);
      }
      const runs = await this.events.appliedItemRuns(tenantId);
      for (const runId of runs) await this.applyItemRun(tenantId, runId, { force: true, nowMs, checkSpikes: false });
      await this.store.markAlive(tenantId);
      this.log.log(`features of tenant ${tenantId} rebuilt: ${keysDeleted} keys deleted, ${items} items, ${batches.length} batches, ${runs.length} item runs`);
      return { tenantId, rebuilt: true, keysDeleted, items, batches: batches.length, runs: runs.length };
    } finally {
      await this.store.endRebuild(tenantId);
    }
  }

  /** Rebuilds one tenant, or every tenant with items or events (one after another). */
  async rebuildTenants(tenantId?: string, nowMs = Date.now()): Promise<RebuildReport[]> {
    const tenants = tenantId ? [tenantId] : [...new Set([...(await this.items.tenants()), ...(await this.events.tenantsWithBatchesSince(new Date(0)))])];
    const out: RebuildReport[] = [];
    for (const t of tenants) out.push(await this.rebuild(t, nowMs));
    return out;
  }

  // ---------------------------------------------------------------- reads (serving, training)

  /** Serving: a user's features now, from Redis (cold start: all zeros). */
  async userFeatures(tenantId: string, userId: string, nowMs = Date.now()): Promise<UserFeatures> {
    return this.store.readUser(tenantId, userId, nowMs);
  }

  /** Serving: items' features now, from Redis. */
  async itemFeatures(tenantId: string, itemIds: readonly string[], nowMs = Date.now()): Promise<Map<string, ItemFeatures>> {
    return this.store.readItems(tenantId, itemIds, nowMs);
  }

  /** Training: a user's features as of `atMs`, recomputed from the Postgres event log with the same definitions. */
  async userFeaturesFromLog(tenantId: string, userId: string, atMs: number): Promise<UserFeatures> {
    return foldUserEvents(await this.events.userEvents(tenantId, userId, atMs, LONGEST_WINDOW_MS), atMs);
  }

  /** Training: an item's features as of `atMs`, recomputed from the log (its events and its creator's). */
  async itemFeaturesFromLog(tenantId: string, itemId: string, atMs: number): Promise<ItemFeatures | null> {
    const item = await this.items.get(tenantId, itemId);
    if (!item) return null;
    const creatorItems = await this.items.idsOfCreator(tenantId, item.creator);
    const creatorEvents = await this.events.itemEvents(tenantId, creatorItems, atMs);
    const own = creatorEvents.filter((e) => e.itemId === itemId);
    return foldItemEvents(own, creatorEvents, { createdAtMs: item.createdAt.getTime(), creator: item.creator, category: item.category }, atMs);
  }
}
