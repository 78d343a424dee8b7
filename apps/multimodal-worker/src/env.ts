import { IsInt, Max, Min } from 'class-validator';
import { PlatformEnv } from '@frontier/platform-config';

export class MultimodalWorkerEnv extends PlatformEnv {
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY: number = 2;

  /** The billing reconciler queues events left unexpanded for this many seconds. */
  @IsInt()
  @Min(1)
  @Max(86_400)
  MULTIMODAL_RECONCILE_AFTER_S: number = 60;
}
