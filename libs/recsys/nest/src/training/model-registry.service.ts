import { Logger } from '@nestjs/common';
import type { RedisClient } from '@frontier/platform-redis';
import { recsysChannels, type RecsysModelChangedMessage } from '@frontier/recsys-contracts';
import type { LiveChange, ModelVersionSummary, ModelVersionsRepository, PromotionEntry } from '@frontier/recsys-data-access';
import { NotFoundError } from '@frontier/platform-util';
import type { Prisma } from '@frontier/platform-prisma';

/**
 * The model registry's use cases: promotion (the gate, or by hand), rollback, and telling every API
 * replica that the live version changed. Postgres is the truth (`recsys_model_versions`, one live
 * row per tenant and kind); the Redis message on `recsysChannels(prefix).modelChanged` is the
 * hint that makes replicas swap at once — they also poll the live row, so a lost message only
 * delays the swap. "The live version changed" is {@link announce}, and only here.
 */
export class ModelRegistryService {
  private readonly log = new Logger(ModelRegistryService.name);

  constructor(
    readonly versions: ModelVersionsRepository,
    /** null: nobody to tell (a command without Redis): replicas pick the change up by polling. */
    private readonly publisher: RedisClient | null,
    private readonly redisPrefix: string,
  ) {}

  /** Publishes the change (best effort: a failure is logged, polling still converges). Resolves to the receivers count, or null. */
  async announce(change: LiveChange): Promise<number | null> {
    if (!this.publisher) return null;
    const message: RecsysModelChangedMessage = { tenantId: change.tenantId, kind: change.kind, versionId: change.to.id };
    try {
      return await this.publisher.publish(recsysChannels(this.redisPrefix).modelChanged, JSON.stringify(message));
    } catch (e) {
      this.log.warn(`could not announce ${change.action} of ${change.tenantId}/${change.kind} to v${change.to.version}: ${(e as Error).message}; replicas will see it by polling`);
      return null;
    }
  }

  /** Makes the previous live version live again (see `ModelVersionsRepository.rollback`), then announces it. */
  async rollback(tenantId: string, kind: string, reason = 'rollback command'): Promise<LiveChange> {
    const change = await this.versions.rollback(tenantId, kind, reason);
    this.log.log(`${tenantId}/${kind}: rolled back from v${change.from?.version} to v${change.to.version} (${reason})`);
    await this.announce(change);
    return change;
  }

  /** Promotes a version by number, by hand (a rejected one only with `force`), then announces it. */
  async promoteVersion(tenantId: string, kind: string, version: number, o: { reason?: string; force?: boolean } = {}): Promise<LiveChange> {
    const v = await this.versions.byVersion(tenantId, kind, version);
    if (!v) throw new NotFoundError('version', `tenant ${tenantId} has no ${kind} version ${version}`, 'recsys.model_version_not_found');
    const change = await this.versions.promote(v.id, { reason: o.reason ?? 'promoted by hand', force: o.force ?? false });
    await this.announce(change);
    return change;
  }

  /** The gate's promotion, inside the training run's commit transaction (announce after it commits). */
  promoteInTransaction(tx: Prisma.TransactionClient, versionId: string, reason: string, metricsPatch: Record<string, unknown>): Promise<LiveChange> {
    return this.versions.promote(versionId, { reason, metricsPatch }, tx);
  }

  list(tenantId: string, kind: string, limit = 20): Promise<ModelVersionSummary[]> {
    return this.versions.list(tenantId, kind, limit);
  }

  promotions(tenantId: string, kind: string): Promise<PromotionEntry[]> {
    return this.versions.promotions(tenantId, kind);
  }
}
