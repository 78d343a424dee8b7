import type { UsageUnit } from '@frontier/multimodal-contracts';
import { DayPartitions, Prisma, type PrismaClient } from '@frontier/platform-prisma';

export type UsageGroupBy = 'modality' | 'key' | 'day';
export const USAGE_GROUP_BY: readonly UsageGroupBy[] = ['modality', 'key', 'day'];

export interface UsageSummaryQuery {
  groupBy: UsageGroupBy;
  /** Inclusive lower bound of the requests' end time. */
  from: Date;
  /** Exclusive upper bound. */
  to: Date;
  /** Only this API key's usage. */
  keyId?: string;
}

export interface UsageSummaryRow {
  /** The modality (`text`…), the API key id, or the UTC day (`2026-12-01`). */
  group: string;
  /** With `groupBy: 'key'`: the key's name (null when the key was deleted). */
  keyName?: string | null;
  /** Context tokens, input and output. */
  tokens: number;
  /** Units counted, per unit (`{tokens: 1200, seconds: 12.5, images: 2}`). */
  units: Partial<Record<UsageUnit, number>>;
  /** US dollars, rounded to 1e-9. */
  costUsd: number;
  /** Distinct requests with usage in the group. */
  requests: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface RawRow {
  grp: string;
  unit: string | null;
  units: string;
  tokens: string;
  cost: string;
  requests: string;
}

/**
 * Spend read from `multimodal_usage`, always within one tenant; and the table's day partitions
 * (range-partitioned by UTC day on `created_at`, migration 20261203000000_multimodal_usage_partitions).
 */
export class UsageRepository {
  /** The table's day partitions: created ahead and dropped past the retention by multimodal-worker's daily job. */
  readonly dayPartitions: DayPartitions;

  constructor(private readonly prisma: PrismaClient) {
    this.dayPartitions = DayPartitions.prisma(prisma, 'multimodal_usage');
  }

  /**
   * Usage of one tenant in [from, to) grouped by modality, API key or UTC day, sorted by group:
   * tokens, units per unit, cost and distinct requests. One query (grouping sets: per group and unit,
   * and per group).
   */
  async summary(tenantId: string, q: UsageSummaryQuery): Promise<UsageSummaryRow[]> {
    if (!UUID.test(tenantId) || (q.keyId !== undefined && !UUID.test(q.keyId))) return [];
    const group =
      q.groupBy === 'modality' ? Prisma.sql`u.modality` : q.groupBy === 'key' ? Prisma.sql`u.key_id::text` : Prisma.sql`to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
    const byKey = q.keyId ? Prisma.sql`AND u.key_id = ${q.keyId}::uuid` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<RawRow[]>`
      SELECT grp, unit, sum(units)::text AS units, sum(tokens)::text AS tokens, sum(cost_usd)::text AS cost, count(DISTINCT request_id)::text AS requests
      FROM (
        SELECT ${group} AS grp, u.unit, u.units, u.tokens, u.cost_usd, u.request_id
        FROM multimodal_usage u
        WHERE u.tenant_id = ${tenantId}::uuid AND u.created_at >= ${q.from} AND u.created_at < ${q.to} ${byKey}
      ) g
      GROUP BY GROUPING SETS ((grp, unit), (grp))
      ORDER BY grp, unit NULLS FIRST`;
    const out = new Map<string, UsageSummaryRow>();
    for (const r of rows) {
      if (r.unit === null) {
        out.set(r.grp, { group: r.grp, tokens: Number(r.tokens), units: {}, costUsd: Number(r.cost), requests: Number(r.requests) });
      } else {
        const row = out.get(r.grp);
        if (row) row.units[r.unit as UsageUnit] = Number(r.units);
      }
    }
    const result = [...out.values()];
    if (q.groupBy === 'key' && result.length) {
      const keys = await this.prisma.apiKey.findMany({ where: { tenantId, id: { in: result.map((r) => r.group) } }, select: { id: true, name: true } });
      const names = new Map(keys.map((k) => [k.id, k.name]));
      for (const r of result) r.keyName = names.get(r.group) ?? null;
    }
    return result;
  }
}
