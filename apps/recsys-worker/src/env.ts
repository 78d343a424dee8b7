import { IsInt, Max, Min } from 'class-validator';
import { RankingWorkerEnv } from './ranking.env';

export class RecsysWorkerEnv extends RankingWorkerEnv {
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY: number = 4;

  /** Event batches left unfeatured this long are queued again by the every-minute reconciler. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  RECSYS_RECONCILE_AFTER_S: number = 60;

  /** Days of impression log kept: older day partitions are dropped by the daily maintenance job. */
  @IsInt()
  @Min(1)
  @Max(3650)
  RECSYS_IMPRESSION_RETENTION_DAYS: number = 90;
}
