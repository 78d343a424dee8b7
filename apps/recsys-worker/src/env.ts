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
}
