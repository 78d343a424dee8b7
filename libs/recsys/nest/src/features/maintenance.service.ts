import { Inject, Injectable } from '@nestjs/common';
import { ImpressionRepository } from '@frontier/recsys-data-access';
import { defaults, RECSYS_CONFIG, type RecsysConfig } from '../config';

/** Days of impression-log partitions kept ahead: today, tomorrow and the day after. */
export const PARTITION_DAYS_AHEAD = 3;

const DAY_MS = 86_400_000;

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
   * partition (rows it caught meanwhile are moved into their day); then retention: partitions of
   * days older than `impressionRetentionDays` (RECSYS_IMPRESSION_RETENTION_DAYS, default 90) are
   * dropped. Returns how many partitions were created and which were dropped.
   */
  async ensurePartitions(now: Date = new Date()): Promise<{ created: number; dropped: string[] }> {
    const created = await this.impressions.ensurePartitions(now, PARTITION_DAYS_AHEAD);
    const dropped = await this.impressions.dropPartitionsBefore(new Date(now.getTime() - this.retentionDays * DAY_MS));
    return { created, dropped };
  }
}
