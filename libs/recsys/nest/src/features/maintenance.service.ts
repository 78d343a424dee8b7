import { Inject, Injectable } from '@nestjs/common';
import { ImpressionRepository } from '@frontier/recsys-data-access';
import { maintainDayPartitions, type PartitionMaintenance } from '@frontier/platform-prisma';
import { defaults, RECSYS_CONFIG, type RecsysConfig } from '../config';

/** Days of impression-log partitions kept ahead: today, tomorrow and the day after. */
export const PARTITION_DAYS_AHEAD = 3;

export type { PartitionMaintenance };

/** Housekeeping of the recommender's tables. */
@Injectable()
export class MaintenanceService {
  private readonly retentionDays: number;

  constructor(
    private readonly impressions: ImpressionRepository,
    @Inject(RECSYS_CONFIG) config: RecsysConfig = {},
  ) {
    this.retentionDays = defaults(config).impressionRetentionDays;
  }

  /**
   * `recsys.maintain-partitions` (daily at 00:07 UTC, and at worker start): day partitions of
   * `recsys_impressions` for today … today + 2 (UTC), so a day's rows never wait in the default
   * partition; then retention: rows the default partition caught are moved into their own day's
   * partition (counted, never deleted unseen), and the partitions of days more than
   * `impressionRetentionDays` (RECSYS_IMPRESSION_RETENTION_DAYS, default 90) before today are
   * dropped whole. Idempotent: a second run the same day does nothing.
   */
  async ensurePartitions(now: Date = new Date()): Promise<PartitionMaintenance> {
    return maintainDayPartitions(this.impressions.dayPartitions, now, { ahead: PARTITION_DAYS_AHEAD, retentionDays: this.retentionDays });
  }
}
