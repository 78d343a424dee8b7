import { Inject, Injectable } from '@nestjs/common';
import { UsageRepository } from '@frontier/multimodal-data-access';
import { maintainDayPartitions, type PartitionMaintenance } from '@frontier/platform-prisma';
import { MULTIMODAL_CONFIG, USAGE_RETENTION_DAYS, type MultimodalConfig } from '../config';

/** Days of usage partitions kept ahead: today, tomorrow and the day after. */
export const USAGE_PARTITION_DAYS_AHEAD = 3;

/** Housekeeping of `multimodal_usage` (range-partitioned by UTC day on `created_at`). */
@Injectable()
export class UsagePartitionsService {
  private readonly retentionDays: number;

  constructor(
    private readonly usage: UsageRepository,
    @Inject(MULTIMODAL_CONFIG) config: MultimodalConfig = {},
  ) {
    this.retentionDays = config.usageRetentionDays ?? USAGE_RETENTION_DAYS;
  }

  /**
   * `multimodal.maintain-partitions` (daily at 00:17 UTC, and at worker start): partitions for today …
   * today + 2 (UTC); then retention — rows the default partition caught are moved into their own
   * day's partition (counted, never deleted unseen) and the partitions of days more than
   * `usageRetentionDays` before today are dropped whole. Idempotent.
   */
  async maintain(now: Date = new Date()): Promise<PartitionMaintenance> {
    return maintainDayPartitions(this.usage.dayPartitions, now, { ahead: USAGE_PARTITION_DAYS_AHEAD, retentionDays: this.retentionDays });
  }
}
