import type { PrismaClient } from '@frontier/platform-prisma';

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

  async setSensitivePolicy(tenantId: string, policy: SensitivePolicy): Promise<void> {
    await this.prisma.memoryTenantSettings.upsert({ where: { tenantId }, create: { tenantId, sensitivePolicy: policy }, update: { sensitivePolicy: policy } });
    this.cache.delete(tenantId);
  }
}
