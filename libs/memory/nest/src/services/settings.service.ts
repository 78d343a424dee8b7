import { Inject, Injectable } from '@nestjs/common';
import { BadRequestError, SENSITIVE_POLICIES, type SensitivePolicy } from '@frontier/memory-data-access';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';

export interface MemoryTenantSettings {
  /** What happens to special-category facts (health, politics, religion, sexuality): allow | explicit-only | never. */
  sensitivePolicy: SensitivePolicy;
}

/** A tenant's memory settings (other processes see a change within a few seconds: each caches it 5 s). */
@Injectable()
export class MemorySettingsService {
  constructor(@Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext) {}

  private get repo() {
    if (!this.ctx.settings) throw new Error('memory settings: this memory context has no settings repository');
    return this.ctx.settings;
  }

  async get(tenantId: string): Promise<MemoryTenantSettings> {
    return { sensitivePolicy: await this.repo.sensitivePolicy(tenantId) };
  }

  async set(tenantId: string, change: { sensitivePolicy?: string }): Promise<MemoryTenantSettings> {
    const p = change.sensitivePolicy;
    if (p !== undefined) {
      if (!(SENSITIVE_POLICIES as readonly string[]).includes(p)) throw new BadRequestError('sensitive_policy', `sensitive_policy must be one of ${SENSITIVE_POLICIES.join(', ')}`);
      await this.repo.setSensitivePolicy(tenantId, p as SensitivePolicy);
    }
    return this.get(tenantId);
  }
}
