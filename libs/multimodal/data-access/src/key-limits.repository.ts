import type { MultimodalKeyLimits, PrismaClient } from '@frontier/platform-prisma';
import { InvalidInputError } from '@frontier/platform-util';

/** A key's overrides of the gateway's limits: null keeps the default, 0 is unlimited. */
export interface KeyLimits {
  rpm: number | null;
  tpm: number | null;
  dailyBudgetUsd: number | null;
  monthlyBudgetUsd: number | null;
}

export interface KeyLimitsRecord extends KeyLimits {
  keyId: string;
  updatedAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_PER_MINUTE = 2_147_483_647;
// spend is counted in nano-dollars in Redis (64-bit integers): 1e9 USD is 1e18
const MAX_BUDGET_USD = 1e9;

const toRecord = (row: MultimodalKeyLimits): KeyLimitsRecord => ({
  keyId: row.keyId,
  rpm: row.rpm,
  tpm: row.tpm,
  dailyBudgetUsd: row.dailyBudgetUsd === null ? null : Number(row.dailyBudgetUsd),
  monthlyBudgetUsd: row.monthlyBudgetUsd === null ? null : Number(row.monthlyBudgetUsd),
  updatedAt: row.updatedAt,
});

function check(limits: Partial<KeyLimits>): void {
  for (const f of ['rpm', 'tpm'] as const) {
    const v = limits[f];
    if (v !== undefined && v !== null && (!Number.isSafeInteger(v) || v < 0 || v > MAX_PER_MINUTE)) throw new InvalidInputError(f, `${f} must be an integer from 0 (unlimited) to ${MAX_PER_MINUTE}, or null for the default`);
  }
  for (const f of ['dailyBudgetUsd', 'monthlyBudgetUsd'] as const) {
    const v = limits[f];
    if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_BUDGET_USD)) {
      throw new InvalidInputError(f, `${f} must be a number of US dollars from 0 (unlimited) to ${MAX_BUDGET_USD}, or null for the default`);
    }
  }
}

/** `multimodal_key_limits`: per-key overrides of RPM, TPM and spend budgets (rows go with their key). */
export class KeyLimitsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** The key's overrides, or null when it has none (the gateway's lookup: no tenant needed, the key is authenticated). */
  async get(keyId: string): Promise<KeyLimitsRecord | null> {
    if (!UUID.test(keyId)) return null;
    const row = await this.prisma.multimodalKeyLimits.findUnique({ where: { keyId } });
    return row ? toRecord(row) : null;
  }

  /**
   * Sets some of a tenant's key's overrides (fields left out keep their value, null restores the
   * default). Null when the key is not the tenant's.
   */
  async set(tenantId: string, keyId: string, limits: Partial<KeyLimits>): Promise<KeyLimitsRecord | null> {
    check(limits);
    if (!UUID.test(tenantId) || !UUID.test(keyId)) return null;
    const key = await this.prisma.apiKey.findFirst({ where: { id: keyId, tenantId }, select: { id: true } });
    if (!key) return null;
    const data = {
      ...(limits.rpm !== undefined ? { rpm: limits.rpm } : {}),
      ...(limits.tpm !== undefined ? { tpm: limits.tpm } : {}),
      ...(limits.dailyBudgetUsd !== undefined ? { dailyBudgetUsd: limits.dailyBudgetUsd === null ? null : limits.dailyBudgetUsd.toFixed(6) } : {}),
      ...(limits.monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd: limits.monthlyBudgetUsd === null ? null : limits.monthlyBudgetUsd.toFixed(6) } : {}),
    };
    return toRecord(await this.prisma.multimodalKeyLimits.upsert({ where: { keyId }, create: { keyId, ...data }, update: data }));
  }

  /** Removes a tenant's key's overrides (back to the defaults); false when there were none or the key is not the tenant's. */
  async remove(tenantId: string, keyId: string): Promise<boolean> {
    if (!UUID.test(tenantId) || !UUID.test(keyId)) return false;
    const key = await this.prisma.apiKey.findFirst({ where: { id: keyId, tenantId }, select: { id: true } });
    if (!key) return false;
    const { count } = await this.prisma.multimodalKeyLimits.deleteMany({ where: { keyId } });
    return count > 0;
  }
}
