import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '@frontier/platform-prisma';
import type { EventType, FeatureEvent } from '@frontier/recsys-domain';

/** One event to store: validated, its item's category resolved, flagged or not. */
export interface EventInsert {
  eventId: string;
  userId: string;
  itemId: string;
  category: string;
  type: EventType;
  watchSeconds: number | null;
  surface: string | null;
  requestId: string | null;
  position: number | null;
  propensity: number | null;
  at: Date;
  flagged: boolean;
  flagReason: string | null;
}

export interface StoredBatch {
  /** The batch row (null when every event was already stored: nothing new to feature). */
  batchId: string | null;
  /** Events stored now. */
  stored: number;
  /** Events whose id was already stored (client retries): ignored, the first write wins. */
  duplicates: number;
}

/** An event as the feature pipeline reads it back. */
export interface StoredEvent extends FeatureEvent {
  tenantId: string;
  eventId: string;
  flagged: boolean;
}

export interface EventBatchRecord {
  id: string;
  tenantId: string;
  events: number;
  createdAt: Date;
  featuredAt: Date | null;
  itemRun: string | null;
  itemAppliedAt: Date | null;
}

/** One row of an item-stats micro-batch: an item's events of one type in one 10-minute grain. */
export interface ItemAggregateRow {
  itemId: string;
  creator: string;
  type: EventType;
  /** floor(epoch seconds / grainSeconds) of the events' `at`. */
  grain: number;
  n: number;
  /** Watch deciseconds and their squares (see recsys-domain `watchDeciseconds`). */
  wds: number;
  wds2: number;
}

interface EventRow {
  tenant_id: string;
  event_id: string;
  user_id: string;
  item_id: string;
  category: string;
  type: EventType;
  watch_seconds: number | null;
  at: Date;
  flagged: boolean;
}

const toStored = (r: EventRow): StoredEvent => ({
  tenantId: r.tenant_id,
  eventId: r.event_id,
  userId: r.user_id,
  itemId: r.item_id,
  category: r.category,
  type: r.type,
  watchSeconds: r.watch_seconds,
  atMs: r.at.getTime(),
  flagged: r.flagged,
});

const EVENT_COLUMNS = 'tenant_id, event_id, user_id, item_id, category, type, watch_seconds, at, flagged';

/**
 * `recsys_events`, `recsys_event_batches` and `recsys_users`: the event log (the truth the Redis
 * feature store is derived from) and the batches the feature pipeline works through.
 */
export class EventRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Stores a batch in one statement (one transaction, one round trip, the events as one JSON
   * parameter): the events (a known `(tenant, event_id)` is skipped: the first write wins), their
   * users (created on first event) and, when anything was new, the batch row the worker will
   * feature. Durable when this resolves. Rows are written in id order so two batches sharing ids
   * cannot deadlock.
   */
  async insertBatch(tenantId: string, events: readonly EventInsert[]): Promise<StoredBatch> {
    if (!events.length) return { batchId: null, stored: 0, duplicates: 0 };
    const sorted = [...events].sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
    // one JSON parameter and one statement (its own transaction): the data-modifying CTEs all commit or none
    const rows = JSON.stringify(
      sorted.map((e) => ({
        e: e.eventId,
        u: e.userId,
        i: e.itemId,
        c: e.category,
        t: e.type,
        w: e.watchSeconds,
        s: e.surface,
        r: e.requestId,
        p: e.position,
        pr: e.propensity,
        a: e.at.toISOString(),
        f: e.flagged,
        fr: e.flagReason,
      })),
    );
    const batchId = randomUUID();
    const result = await this.prisma.$queryRawUnsafe<Array<{ stored: number }>>(
      `WITH x AS (
         SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(e text, u text, i text, c text, t text, w float8, s text, r uuid, p int, pr float8, a timestamptz, f bool, fr text)
       ), ins AS (
         INSERT INTO recsys_events (tenant_id, event_id, batch_id, user_id, item_id, category, type, watch_seconds, surface, request_id, position, propensity, at, flagged, flag_reason)
         SELECT $1::uuid, e, $2::uuid, u, i, c, t, w, s, r, p, pr, a, f, fr FROM x
         ON CONFLICT (tenant_id, event_id) DO NOTHING
         RETURNING 1
       ), users AS (
         INSERT INTO recsys_users (tenant_id, id) SELECT DISTINCT $1::uuid, u FROM x ORDER BY 2 ON CONFLICT DO NOTHING
       ), n AS (SELECT count(*)::int AS stored FROM ins), batch AS (
         INSERT INTO recsys_event_batches (id, tenant_id, events) SELECT $2::uuid, $1::uuid, stored FROM n WHERE stored > 0
       )
       SELECT stored FROM n`,
      tenantId,
      batchId,
      rows,
    );
    const stored = result[0]?.stored ?? 0;
    return { batchId: stored > 0 ? batchId : null, stored, duplicates: events.length - stored };
  }

  async batch(batchId: string): Promise<EventBatchRecord | null> {
    return this.prisma.recsysEventBatch.findUnique({ where: { id: batchId } });
  }

  /** The events a batch stored (flagged ones included, marked). */
  async eventsOfBatch(batchId: string): Promise<StoredEvent[]> {
    const rows = await this.prisma.$queryRawUnsafe<EventRow[]>(`SELECT ${EVENT_COLUMNS} FROM recsys_events WHERE batch_id = $1::uuid`, batchId);
    return rows.map(toStored);
  }

  /** Notes that the user features hold the batch (a repeat keeps the first time). */
  async markFeatured(batchId: string, at: Date = new Date()): Promise<void> {
    await this.prisma.recsysEventBatch.updateMany({ where: { id: batchId, featuredAt: null }, data: { featuredAt: at } });
  }

  /** Batches stored before `before` and still not featured (a lost job, Redis down at the time), oldest first. */
  async unfeatured(before: Date, limit = 1_000): Promise<Array<{ id: string; tenantId: string }>> {
    return this.prisma.recsysEventBatch.findMany({ where: { featuredAt: null, createdAt: { lt: before } }, select: { id: true, tenantId: true }, orderBy: { createdAt: 'asc' }, take: limit });
  }

  /** A tenant's batches stored at or after `since` (a feature rebuild re-applies them), oldest first. */
  async batchesSince(tenantId: string, since: Date): Promise<string[]> {
    const rows = await this.prisma.recsysEventBatch.findMany({ where: { tenantId, createdAt: { gte: since } }, select: { id: true }, orderBy: { createdAt: 'asc' } });
    return rows.map((r) => r.id);
  }

  /** Tenants with batches stored at or after `since` (the reconciler checks their features are in Redis). */
  async tenantsWithBatchesSince(since: Date): Promise<string[]> {
    const rows = await this.prisma.recsysEventBatch.findMany({ where: { createdAt: { gte: since } }, select: { tenantId: true }, distinct: ['tenantId'] });
    return rows.map((r) => r.tenantId);
  }

  /** Tenants with batches no item-stats run has claimed yet. */
  async tenantsWithUnclaimedBatches(): Promise<string[]> {
    const rows = await this.prisma.recsysEventBatch.findMany({ where: { itemRun: null }, select: { tenantId: true }, distinct: ['tenantId'] });
    return rows.map((r) => r.tenantId);
  }

  /** Claims a tenant's unclaimed batches stored before `before` for item-stats run `runId` (committed before any stats are applied). */
  async claimItemRun(tenantId: string, runId: string, before: Date): Promise<number> {
    const r = await this.prisma.recsysEventBatch.updateMany({ where: { tenantId, itemRun: null, createdAt: { lt: before } }, data: { itemRun: runId } });
    return r.count;
  }

  /** Runs claimed but not applied (a worker died between claim and apply), with their tenant. */
  async pendingItemRuns(): Promise<Array<{ runId: string; tenantId: string }>> {
    const rows = await this.prisma.recsysEventBatch.findMany({ where: { itemRun: { not: null }, itemAppliedAt: null }, select: { itemRun: true, tenantId: true }, distinct: ['itemRun'] });
    return rows.map((r) => ({ runId: r.itemRun as string, tenantId: r.tenantId }));
  }

  /** Every run of a tenant that was applied (a rebuild re-applies them all). */
  async appliedItemRuns(tenantId: string): Promise<string[]> {
    const rows = await this.prisma.recsysEventBatch.findMany({ where: { tenantId, itemRun: { not: null }, itemAppliedAt: { not: null } }, select: { itemRun: true }, distinct: ['itemRun'] });
    return rows.map((r) => r.itemRun as string);
  }

  async markItemRunApplied(runId: string, at: Date = new Date()): Promise<void> {
    await this.prisma.recsysEventBatch.updateMany({ where: { itemRun: runId, itemAppliedAt: null }, data: { itemAppliedAt: at } });
  }

  /**
   * A run's unflagged events summed per item, creator, type and `grainSeconds` grain of `at` (one
   * SQL pass; the feature module rolls grains up into its window buckets). Watch time in
   * deciseconds rounded as recsys-domain `watchDeciseconds` does.
   */
  async itemRunAggregates(tenantId: string, runId: string, grainSeconds: number): Promise<ItemAggregateRow[]> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ item_id: string; creator: string; type: EventType; grain: string; n: number; wds: string; wds2: string }>>(
      `SELECT e.item_id, coalesce(i.creator, '') AS creator, e.type, floor(extract(epoch FROM e.at) / $3)::bigint::text AS grain, count(*)::int AS n,
              coalesce(sum(floor(e.watch_seconds * 10 + 0.5)::bigint), 0)::text AS wds,
              coalesce(sum(floor(e.watch_seconds * 10 + 0.5)::bigint * floor(e.watch_seconds * 10 + 0.5)::bigint), 0)::text AS wds2
       FROM recsys_events e LEFT JOIN recsys_items i ON i.tenant_id = e.tenant_id AND i.id = e.item_id
       WHERE e.batch_id IN (SELECT id FROM recsys_event_batches WHERE item_run = $2::uuid) AND e.tenant_id = $1::uuid AND NOT e.flagged
       GROUP BY 1, 2, 3, 4`,
      tenantId,
      runId,
      grainSeconds,
    );
    return rows.map((r) => ({ itemId: r.item_id, creator: r.creator, type: r.type, grain: Number(r.grain), n: r.n, wds: Number(r.wds), wds2: Number(r.wds2) }));
  }

  /**
   * The training side's read: a user's unflagged events that happened in (`untilMs` − `lookbackMs`,
   * `untilMs`] and had been received by `untilMs` — what serving could have known at that moment.
   */
  async userEvents(tenantId: string, userId: string, untilMs: number, lookbackMs: number): Promise<StoredEvent[]> {
    const rows = await this.prisma.$queryRawUnsafe<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM recsys_events
       WHERE tenant_id = $1::uuid AND user_id = $2 AND at > $3::timestamptz AND at <= $4::timestamptz AND received_at <= $4::timestamptz AND NOT flagged`,
      tenantId,
      userId,
      new Date(untilMs - lookbackMs).toISOString(),
      new Date(untilMs).toISOString(),
    );
    return rows.map(toStored);
  }

  /** Unflagged events about the given items received by `untilMs` (all time): an item's and its creator's features, recomputed. */
  async itemEvents(tenantId: string, itemIds: readonly string[], untilMs: number): Promise<StoredEvent[]> {
    const rows = await this.prisma.$queryRawUnsafe<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM recsys_events WHERE tenant_id = $1::uuid AND item_id = ANY($2::text[]) AND at <= $3::timestamptz AND received_at <= $3::timestamptz AND NOT flagged`,
      tenantId,
      itemIds,
      new Date(untilMs).toISOString(),
    );
    return rows.map(toStored);
  }

  /**
   * Flags events kept for the record but excluded from training and features (a bot, a CTR spike):
   * `where` selects a tenant's events of `itemId` of `type` since `since`. Returns how many were newly flagged.
   */
  async flagItemEvents(tenantId: string, itemId: string, type: EventType, since: Date, reason: string): Promise<number> {
    const r = await this.prisma.recsysEvent.updateMany({ where: { tenantId, itemId, type, at: { gte: since }, flagged: false }, data: { flagged: true, flagReason: reason } });
    return r.count;
  }

  async userExists(tenantId: string, userId: string): Promise<boolean> {
    return (await this.prisma.recsysUser.count({ where: { tenantId, id: userId } })) > 0;
  }

  async countEvents(tenantId: string): Promise<number> {
    return this.prisma.recsysEvent.count({ where: { tenantId } });
  }
}
