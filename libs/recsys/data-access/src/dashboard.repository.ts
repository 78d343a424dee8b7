import type { PrismaClient } from '@frontier/platform-prisma';

/** A bucket's width in the dashboard's series. */
export type DashboardBucket = 'hour' | 'day';

/** One bucket of the impression log with the clicks on it (unflagged events only). */
export interface CtrPoint {
  /** Start of the bucket (UTC). */
  at: Date;
  impressions: number;
  /** Impressions chosen by exploration rather than by the model. */
  explored: number;
  /** Unflagged click events received for the tenant with `at` in the bucket. */
  clicks: number;
}

/** An item (or a user) with flagged events, grouped by the flag's reason. */
export interface FlaggedRow {
  id: string;
  reason: string;
  events: number;
  lastAt: Date;
}

/**
 * Read-only aggregates for the operator's dashboard (the console's Recommender page): the
 * impression log bucketed by hour or day, clicks over the same buckets, and the events the
 * anomaly and bot checks flagged. Windows are bounded by the caller (the service caps them).
 */
export class DashboardRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Impressions, explored impressions and clicks per bucket with start in [from, to), oldest first; empty buckets are left out. */
  async ctrSeries(tenantId: string, from: Date, to: Date, bucket: DashboardBucket): Promise<CtrPoint[]> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ at: Date; impressions: bigint; explored: bigint; clicks: bigint }>>(
      `WITH imp AS (
         SELECT date_trunc($4, shown_at AT TIME ZONE 'UTC') AS b, count(*) AS impressions, count(*) FILTER (WHERE explored) AS explored
           FROM recsys_impressions WHERE tenant_id = $1::uuid AND shown_at >= $2::timestamptz AND shown_at < $3::timestamptz GROUP BY 1),
       clk AS (
         SELECT date_trunc($4, at AT TIME ZONE 'UTC') AS b, count(*) AS clicks
           FROM recsys_events WHERE tenant_id = $1::uuid AND type = 'click' AND NOT flagged AND at >= $2::timestamptz AND at < $3::timestamptz GROUP BY 1)
       SELECT (coalesce(imp.b, clk.b) AT TIME ZONE 'UTC') AS at, coalesce(imp.impressions, 0) AS impressions, coalesce(imp.explored, 0) AS explored, coalesce(clk.clicks, 0) AS clicks
         FROM imp FULL JOIN clk ON imp.b = clk.b ORDER BY 1`,
      tenantId,
      from.toISOString(),
      to.toISOString(),
      bucket,
    );
    return rows.map((r) => ({ at: r.at, impressions: Number(r.impressions), explored: Number(r.explored), clicks: Number(r.clicks) }));
  }

  /** Items (`by: 'item'`) or users (`by: 'user'`) with flagged events since `since`, most flagged first. */
  async flagged(tenantId: string, by: 'item' | 'user', since: Date, limit: number): Promise<FlaggedRow[]> {
    const col = by === 'item' ? 'item_id' : 'user_id';
    const rows = await this.prisma.$queryRawUnsafe<Array<{ id: string; reason: string | null; events: bigint; last_at: Date }>>(
      `SELECT ${col} AS id, coalesce(flag_reason, '') AS reason, count(*) AS events, max(at) AS last_at
         FROM recsys_events WHERE tenant_id = $1::uuid AND flagged AND at >= $2::timestamptz
        GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT $3::int`,
      tenantId,
      since.toISOString(),
      limit,
    );
    return rows.map((r) => ({ id: r.id, reason: r.reason ?? '', events: Number(r.events), lastAt: r.last_at }));
  }
}
