import { IsInt, Max, Min } from 'class-validator';
import { PlatformEnv } from '@frontier/platform-config';

export class PlatformWorkerEnv extends PlatformEnv {
  @IsInt()
  @Min(1)
  @Max(256)
  WORKER_CONCURRENCY: number = 8;
}
