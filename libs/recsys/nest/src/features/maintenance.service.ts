import { Injectable } from '@nestjs/common';
import { ImpressionRepository } from '@frontier/recsys-data-access';

/** Days of impression-log partitions kept ahead: today, tomorrow and the day after. */
export const PARTITION_DAYS_AHEAD = 3;

/** Housekeeping of the recommender's tables. */
@Injectable()
export class MaintenanceService {
  constructor(private readonly impressions: ImpressionRepository) {}

  /**
   * `recsys.maintain-partitions` (daily at 00:07 UTC, and at worker start): day partitions of
   * `recsys_impressions` for today … today + 2 (UTC), so a day's rows never wait in the default
   * partition; rows it caught meanwhile are moved into their day. Returns how many were created.
   */
  async ensurePartitions(now: Date = new Date()): Promise<{ created: number }> {
    return { created: await this.impressions.ensurePartitions(now, PARTITION_DAYS_AHEAD) };
  }
}
