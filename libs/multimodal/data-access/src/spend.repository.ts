import { Prisma, type PrismaClient } from '@frontier/platform-prisma';
import { InvalidInputError } from '@frontier/platform-util';
import type { KeyLimits } from './key-limits.repository';

/** Why the gateway refused a request (one counter per key, UTC day and reason). */
export type RejectionReason = 'rpm' | 'tpm' | 'budget_daily' | 'budget_monthly' | 'safety' | 'too_large' | 'context_length' | 'busy' | 'invalid';
export const REJECTION_REASONS: readonly RejectionReason[] = ['rpm', 'tpm', 'budget_daily', 'budget_monthly', 'safety', 'too_large', 'context_length', 'busy', 'invalid'];

/** Refusals of one key on one UTC day for one reason (a batch adds its count to the row). */
export interface RejectionCount {
  tenantId: string;
  keyId: string;
  /** `2026-12-02` (UTC). */
  day: string;
  reason: RejectionReason;
  count: number;
  lastAt: Date;
}

/** A tenant's API key with its limit overrides (null: the gateway's default). */
export interface SpendKey {
  keyId: string;
  name: string;
  prefix: string;
  scopes: string[];
  revoked: boolean;
  overrides: KeyLimits;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const num = (d: Prisma.Decimal | null): number | null => (d === null ? null : Number(d));

function check(c: RejectionCount): void {
  if (!UUID.test(c.tenantId)) throw new InvalidInputError('tenantId', 'tenantId must be a UUID');
  if (!UUID.test(c.keyId)) throw new InvalidInputError('keyId', 'keyId must be a UUID');
  if (!DAY.test(c.day)) throw new InvalidInputError('day', 'day must be a UTC date (YYYY-MM-DD)');
  if (!REJECTION_REASONS.includes(c.reason)) throw new InvalidInputError('reason', `reason must be one of ${REJECTION_REASONS.join(', ')}`);
  if (!Number.isSafeInteger(c.count) || c.count < 1) throw new InvalidInputError('count', 'count must be a positive integer');
}

/**
 * What the console's Spend page reads per key: the tenant's keys with their limit overrides, spend
 * since a day's and a month's start (billing events, the truth), and the requests the gateway
 * refused (`multimodal_rejections`, counters the gateway adds to in batches).
 */
export class SpendRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Adds a batch of refusal counts: one statement, each (key, day, reason) row created or incremented. */
  async addRejections(batch: readonly RejectionCount[]): Promise<void> {
    if (!batch.length) return;
    // one row per (key, day, reason) in a statement: Postgres refuses to update a row twice in one ON CONFLICT
    const merged = new Map<string, RejectionCount>();
    for (const c of batch) {
      check(c);
      const k = `${c.keyId}|${c.day}|${c.reason}`;
      const m = merged.get(k);
      merged.set(k, m ? { ...m, count: m.count + c.count, lastAt: m.lastAt > c.lastAt ? m.lastAt : c.lastAt } : c);
    }
    const rows = [...merged.values()].map((c) => Prisma.sql`(${c.keyId}::uuid, ${c.day}::date, ${c.reason}, ${c.tenantId}::uuid, ${c.count}, ${c.lastAt})`);
    await this.prisma.$executeRaw`
      INSERT INTO multimodal_rejections (key_id, day, reason, tenant_id, count, last_at)
      VALUES ${Prisma.join(rows)}
      ON CONFLICT (key_id, day, reason) DO UPDATE
        SET count = multimodal_rejections.count + EXCLUDED.count, last_at = GREATEST(multimodal_rejections.last_at, EXCLUDED.last_at)`;
  }

  /** The tenant's refusals on days ≥ `fromDay` (UTC), by key, day (newest first) and reason. */
  async rejections(tenantId: string, fromDay: string): Promise<Array<Omit<RejectionCount, 'tenantId'>>> {
    if (!UUID.test(tenantId)) return [];
    if (!DAY.test(fromDay)) throw new InvalidInputError('fromDay', 'fromDay must be a UTC date (YYYY-MM-DD)');
    const rows = await this.prisma.multimodalRejection.findMany({
      where: { tenantId, day: { gte: new Date(`${fromDay}T00:00:00Z`) } },
      orderBy: [{ keyId: 'asc' }, { day: 'desc' }, { reason: 'asc' }],
    });
    return rows.map((r) => ({ keyId: r.keyId, day: r.day.toISOString().slice(0, 10), reason: r.reason as RejectionReason, count: r.count, lastAt: r.lastAt }));
  }

  /** The tenant's API keys (revoked ones too: their spend and refusals stay on the page), oldest first, with their overrides. */
  async keys(tenantId: string): Promise<SpendKey[]> {
    if (!UUID.test(tenantId)) return [];
    const keys = await this.prisma.apiKey.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], select: { id: true, name: true, prefix: true, scopes: true, revokedAt: true } });
    const overrides = await this.prisma.multimodalKeyLimits.findMany({ where: { keyId: { in: keys.map((k) => k.id) } } });
    const byKey = new Map(overrides.map((o) => [o.keyId, o]));
    return keys.map((k) => {
      const o = byKey.get(k.id);
      return {
        keyId: k.id,
        name: k.name,
        prefix: k.prefix,
        scopes: k.scopes,
        revoked: k.revokedAt !== null,
        overrides: { rpm: o?.rpm ?? null, tpm: o?.tpm ?? null, dailyBudgetUsd: num(o?.dailyBudgetUsd ?? null), monthlyBudgetUsd: num(o?.monthlyBudgetUsd ?? null) },
      };
    });
  }

  /** Spend per key of the tenant since `dayStart` and since `monthStart` (billing events' end time), US dollars. */
  async spendByKey(tenantId: string, dayStart: Date, monthStart: Date): Promise<Map<string, { dayUsd: number; monthUsd: number }>> {
    const out = new Map<string, { dayUsd: number; monthUsd: number }>();
    if (!UUID.test(tenantId)) return out;
    const since = dayStart < monthStart ? dayStart : monthStart;
    const rows = await this.prisma.$queryRaw<Array<{ key_id: string; day: Prisma.Decimal | null; month: Prisma.Decimal | null }>>`
      SELECT key_id::text AS key_id,
             SUM(cost_usd) FILTER (WHERE ended_at >= ${dayStart}) AS day,
             SUM(cost_usd) FILTER (WHERE ended_at >= ${monthStart}) AS month
        FROM multimodal_billing_events
       WHERE tenant_id = ${tenantId}::uuid AND ended_at >= ${since}
       GROUP BY key_id`;
    for (const r of rows) out.set(r.key_id, { dayUsd: Number(r.day ?? 0), monthUsd: Number(r.month ?? 0) });
    return out;
  }
}
