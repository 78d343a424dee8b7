import { createHash } from 'node:crypto';
import type { PrismaClient } from '@frontier/platform-prisma';
import type { FeatureEvent } from '@frontier/recsys-domain';

/** Event types that make a shown item a success (reward 1). */
export const REWARD_EVENT_TYPES = ['click', 'watch', 'purchase'] as const;

/**
 * Requests set aside for evaluation, never trained on: the first byte of md5(request id) mod 5 is
 * 0 (20 %). {@link HOLDOUT_SQL} is the same test in Postgres.
 */
export function isHoldoutRequest(requestId: string): boolean {
  return (createHash('md5').update(requestId.toLowerCase()).digest()[0] as number) % 5 === 0;
}

/** One shown item of the impression log with its reward: one training (or evaluation) example. */
export interface LoggedImpression {
  requestId: string;
  position: number;
  userId: string;
  itemId: string;
  surface: string;
  shownAtMs: number;
  /** The logging policy's P(this item at this position). */
  propensity: number;
  /** 1 when an unflagged click, watch or purchase names this request and item. */
  reward: number;
}

export interface ImpressionWindow {
  tenantId: string;
  /** shown_at ∈ [from, to) */
  from: Date;
  to: Date;
  /** Reward events count when they happened before this (the run's data cutoff). */
  rewardsBefore: Date;
  /** true: only held-out requests; false: only the others. */
  holdout: boolean;
  /** At most this many rows, the latest (default: all). */
  limit?: number;
}

/**
 * One event as the feature definition reads it (flagged events are never returned), with when it
 * was received: a feature "as of T" counts the events that happened by T and had been received by
 * T, what serving could have known then (as `EventRepository.userEvents`).
 */
export interface FeatureEventRow extends FeatureEvent {
  receivedAtMs: number;
}

/** All-time counts as the feature definition's `Counts`. */
export interface CountsRow {
  impression: number;
  click: number;
  skip: number;
  watch: number;
  purchase: number;
  wds: number;
  wds2: number;
}

export interface ItemMetaRow {
  createdAtMs: number;
  creator: string;
  category: string;
}

interface RawImpression {
  request_id: string;
  position: number;
  user_id: string;
  item_id: string;
  surface: string;
  shown_at: Date;
  propensity: number;
  rewarded: boolean;
}

/** Held-out test of a request id in SQL (alias `i`): see {@link isHoldoutRequest}. */
const HOLDOUT_SQL = `(get_byte(decode(md5(i.request_id::text), 'hex'), 0) % 5 = 0)`;

const zero = (): CountsRow => ({ impression: 0, click: 0, skip: 0, watch: 0, purchase: 0, wds: 0, wds2: 0 });

/**
 * What the training loop reads from the logs: impressions joined with their rewards (by request id
 * and item id), and the events the feature definition recomputes features from, as of any moment.
 * Flagged events (bots, anomalies) are excluded everywhere: they give no reward, an impression
 * with a flagged event for its request and item is no example, and they feed no feature.
 */
export class TrainingLogRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Tenants with impressions in [from, to). */
  async tenantsWithImpressions(from: Date, to: Date): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ tenant_id: string }>>`
      SELECT DISTINCT tenant_id::text AS tenant_id FROM recsys_impressions WHERE shown_at >= ${from} AND shown_at < ${to} ORDER BY 1`;
    return rows.map((r) => r.tenant_id);
  }

  /** Impressions of a window with their rewards, in order of shown_at, request and position. */
  async impressions(w: ImpressionWindow): Promise<LoggedImpression[]> {
    const limit = w.limit ?? null;
    const rows = await this.prisma.$queryRawUnsafe<RawImpression[]>(
      `WITH ev AS (
         SELECT e.request_id, e.item_id,
                bool_or(NOT e.flagged AND e.type = ANY($5::text[])) AS rewarded,
                bool_or(e.flagged) AS flagged
           FROM recsys_events e
          WHERE e.tenant_id = $1::uuid AND e.request_id IS NOT NULL AND e.at >= $2::timestamptz - interval '1 hour' AND e.at < $4::timestamptz
          GROUP BY e.request_id, e.item_id
       ), picked AS (
         SELECT i.request_id, i.position, i.user_id, i.item_id, i.surface, i.shown_at, i.propensity,
                coalesce(ev.rewarded, false) AS rewarded
           FROM recsys_impressions i
           LEFT JOIN ev ON ev.request_id = i.request_id AND ev.item_id = i.item_id
          WHERE i.tenant_id = $1::uuid AND i.shown_at >= $2::timestamptz AND i.shown_at < $3::timestamptz
            AND NOT coalesce(ev.flagged, false)
            AND ${HOLDOUT_SQL} = $6::boolean
          ORDER BY i.shown_at DESC, i.request_id DESC, i.position DESC
          LIMIT $7::int
       )
       SELECT request_id::text AS request_id, position, user_id, item_id, surface, shown_at, propensity, rewarded
         FROM picked ORDER BY shown_at, request_id, position`,
      w.tenantId,
      w.from,
      w.to,
      w.rewardsBefore,
      [...REWARD_EVENT_TYPES],
      w.holdout,
      limit,
    );
    return rows.map((r) => ({
      requestId: r.request_id,
      position: r.position,
      userId: r.user_id,
      itemId: r.item_id,
      surface: r.surface,
      shownAtMs: r.shown_at.getTime(),
      propensity: r.propensity,
      reward: r.rewarded ? 1 : 0,
    }));
  }

  /** Unflagged events of these users with at ∈ (from, to], oldest first. */
  async userEvents(tenantId: string, userIds: readonly string[], from: Date, to: Date): Promise<FeatureEventRow[]> {
    if (!userIds.length) return [];
    return this.events(`e.user_id = ANY($2::text[])`, tenantId, [...userIds], from, to);
  }

  /** Unflagged events of every item of these creators with at ∈ (from, to], oldest first (with the item's creator). */
  async creatorEvents(tenantId: string, creators: readonly string[], from: Date, to: Date): Promise<Array<FeatureEventRow & { creator: string }>> {
    if (!creators.length) return [];
    const rows = await this.prisma.$queryRawUnsafe<Array<RawEvent & { creator: string }>>(
      `SELECT e.user_id, e.item_id, e.category, e.type, e.watch_seconds, e.at, e.received_at, it.creator
         FROM recsys_events e JOIN recsys_items it ON it.tenant_id = e.tenant_id AND it.id = e.item_id
        WHERE e.tenant_id = $1::uuid AND it.creator = ANY($2::text[]) AND e.at > $3::timestamptz AND e.at <= $4::timestamptz AND NOT e.flagged
        ORDER BY e.at, e.event_id`,
      tenantId,
      [...creators],
      from,
      to,
    );
    return rows.map((r) => ({ ...toEvent(r), creator: r.creator }));
  }

  /** All-time counts of unflagged events with at ≤ `before`, per item. */
  async itemCountsBefore(tenantId: string, itemIds: readonly string[], before: Date): Promise<Map<string, CountsRow>> {
    if (!itemIds.length) return new Map();
    return this.counts(`e.item_id`, `e.item_id = ANY($2::text[])`, tenantId, [...itemIds], before);
  }

  /** All-time counts of unflagged events with at ≤ `before`, per creator (over all their items). */
  async creatorCountsBefore(tenantId: string, creators: readonly string[], before: Date): Promise<Map<string, CountsRow>> {
    if (!creators.length) return new Map();
    return this.counts(`it.creator`, `it.creator = ANY($2::text[])`, tenantId, [...creators], before);
  }

  /** Creation time, creator and category of items (deleted ones too: old logs name them). */
  async itemMeta(tenantId: string, itemIds: readonly string[]): Promise<Map<string, ItemMetaRow>> {
    if (!itemIds.length) return new Map();
    const rows = await this.prisma.recsysItem.findMany({ where: { tenantId, id: { in: [...itemIds] } }, select: { id: true, createdAt: true, creator: true, category: true } });
    return new Map(rows.map((r) => [r.id, { createdAtMs: r.createdAt.getTime(), creator: r.creator, category: r.category }]));
  }

  private async events(where: string, tenantId: string, ids: string[], from: Date, to: Date): Promise<FeatureEventRow[]> {
    const rows = await this.prisma.$queryRawUnsafe<RawEvent[]>(
      `SELECT e.user_id, e.item_id, e.category, e.type, e.watch_seconds, e.at, e.received_at
         FROM recsys_events e
        WHERE e.tenant_id = $1::uuid AND ${where} AND e.at > $3::timestamptz AND e.at <= $4::timestamptz AND NOT e.flagged
        ORDER BY e.at, e.event_id`,
      tenantId,
      ids,
      from,
      to,
    );
    return rows.map(toEvent);
  }

  private async counts(key: string, where: string, tenantId: string, ids: string[], before: Date): Promise<Map<string, CountsRow>> {
    // watch time in deciseconds rounded half up, as the feature definition stores it
    const rows = await this.prisma.$queryRawUnsafe<Array<{ k: string; type: string; n: number; wds: number; wds2: number }>>(
      `SELECT ${key} AS k, e.type, count(*)::float8 AS n,
              coalesce(sum(floor(e.watch_seconds * 10 + 0.5)) FILTER (WHERE e.type = 'watch'), 0)::float8 AS wds,
              coalesce(sum(floor(e.watch_seconds * 10 + 0.5) ^ 2) FILTER (WHERE e.type = 'watch'), 0)::float8 AS wds2
         FROM recsys_events e JOIN recsys_items it ON it.tenant_id = e.tenant_id AND it.id = e.item_id
        WHERE e.tenant_id = $1::uuid AND ${where} AND e.at <= $3::timestamptz AND NOT e.flagged
        GROUP BY 1, 2`,
      tenantId,
      ids,
      before,
    );
    const out = new Map<string, CountsRow>();
    for (const r of rows) {
      let c = out.get(r.k);
      if (!c) out.set(r.k, (c = zero()));
      if (r.type in c) c[r.type as keyof CountsRow] += r.n;
      c.wds += r.wds;
      c.wds2 += r.wds2;
    }
    return out;
  }
}

interface RawEvent {
  user_id: string;
  item_id: string;
  category: string;
  type: FeatureEventRow['type'];
  watch_seconds: number | null;
  at: Date;
  received_at: Date;
}

const toEvent = (r: RawEvent): FeatureEventRow => ({
  userId: r.user_id,
  itemId: r.item_id,
  category: r.category,
  type: r.type,
  watchSeconds: r.watch_seconds,
  atMs: r.at.getTime(),
  receivedAtMs: r.received_at.getTime(),
});
