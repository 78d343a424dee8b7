import { Inject, Injectable } from '@nestjs/common';
import type { RecsysBatchStored } from '@frontier/recsys-contracts';
import { PlatformSettings, REDIS } from '@frontier/platform-nest';
import type { RedisClient } from '@frontier/platform-redis';
import { FeaturesService, type BatchOutcome } from '../features/features.service';

/** How long a tenant's new-data marks are kept (the longest training window, a day, with room). */
const MARK_TTL_MS = 8 * 86_400_000;

/**
 * recsys-worker's consumers of `recsys-events` (one method per group). Both are idempotent: the
 * bus delivers at least once.
 */
@Injectable()
export class BatchStreamService {
  private readonly prefix: string;

  constructor(
    private readonly features: FeaturesService,
    @Inject(REDIS) private readonly redis: RedisClient,
    settings: PlatformSettings,
  ) {
    this.prefix = settings.redisPrefix;
  }

  /** Group `features`: the batch into the users' window features, once (the same apply as the `recsys.feature-batch` job). */
  feature(m: RecsysBatchStored): Promise<BatchOutcome> {
    return this.features.applyBatch(m.tenantId, m.batchId);
  }

  /**
   * Group `training`: marks that the tenant has new training data — the batch joins the tenant's
   * set of batches not yet trained on (a set: a redelivery changes nothing). Derived: the log in
   * Postgres is what training reads.
   */
  async noteTrainingData(m: RecsysBatchStored): Promise<void> {
    const key = this.newDataKey(m.tenantId);
    await this.redis.multi().sadd(key, m.batchId).pexpire(key, MARK_TTL_MS).exec();
  }

  /** Batches stored for the tenant since its marks were last cleared (within the last 8 days). */
  async newTrainingBatches(tenantId: string): Promise<number> {
    return this.redis.scard(this.newDataKey(tenantId));
  }

  /** Clears the tenant's marks (a training run consumed the data). */
  async clearTrainingData(tenantId: string): Promise<void> {
    await this.redis.del(this.newDataKey(tenantId));
  }

  private newDataKey(tenantId: string): string {
    return `${this.prefix}:recsys:{${tenantId}}:training-new`;
  }
}
