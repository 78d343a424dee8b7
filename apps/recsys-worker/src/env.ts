import { IsInt, Max, Min } from 'class-validator';
import { PlatformEnv } from '@frontier/platform-config';

export class RecsysWorkerEnv extends PlatformEnv {
  @IsInt()
  @Min(1)
  @Max(64)
  WORKER_CONCURRENCY: number = 2;
}
