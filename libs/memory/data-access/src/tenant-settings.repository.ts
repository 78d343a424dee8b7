import { Prisma, type PrismaClient } from '@frontier/platform-prisma';

/** What happens to special-category facts (health, politics, religion, sexuality) of a tenant's users. */
export const SENSITIVE_POLICIES = ['allow', 'explicit-only', 'never'] as const;
export type SensitivePolicy = (typeof SENSITIVE_POLICIES)[number];

const DEFAULT_POLICY: SensitivePolicy = 'explicit-only';
const CACHE_MS = 5_000;

/** Memory's per-tenant settings (`memory_tenant_settings`; a tenant without a row has the defaults). */
export class TenantSettingsRepository {
  private readonly cache = new Map<string, { policy: SensitivePolicy; until: number }>();

  constructor(private readonly prisma: PrismaClient) {}

  /** The tenant's sensitive-attribute policy (default `explicit-only`), cached a few seconds per process. */
  async sensitivePolicy(tenantId: string): Promise<SensitivePolicy> {
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.policy;
    const row = await this.prisma.memoryTenantSettings.findUnique({ where: { tenantId }, select: { sensitivePolicy: true } });
    const policy = (SENSITIVE_POLICIES as readonly string[]).includes(row?.sensitivePolicy ?? '') ? (row?.sensitivePolicy as SensitivePolicy) : DEFAULT_POLICY;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(tenantId, { policy, until: Date.now() + CACHE_MS });
    return policy;
  }

  /** The tenant's Mem0 project custom categories (`[{name: description}]`), null when none were set. */
  async customCategories(tenantId: string): Promise<Array<Record<string, string>> | null> {
    const row = await this.prisma.memoryTenantSettings.findUnique({ where: { tenantId }, select: { customCategories: true } });
    return Array.isArray(row?.customCategories) ? (row.customCategories as Array<Record<string, string>>) : null;
  }

  async setCustomCategories(tenantId: string, categories: Array<Record<string, string>> | null): Promise<void> {
    const value = categories === null ? Prisma.DbNull : categories;
    await this.prisma.memoryTenantSettings.upsert({ where: { tenantId }, create: { tenantId, customCategories: value }, update: { customCategories: value } });
  }

  async setSensitivePolicy(tenantId: string, policy: SensitivePolicy): Promise<void> {
    await this.prisma.memoryTenantSettings.upsert({ where: { tenantId }, create: { tenantId, sensitivePolicy: policy }, update: { sensitivePolicy: policy } });
    this.cache.delete(tenantId);
  }
}
