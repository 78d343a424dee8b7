import { IsInt, Max, Min } from 'class-validator';
import { HttpEnv } from '@frontier/platform-config';

export class MemoryApiEnv extends HttpEnv {
  /** Users whose index stays resident in this process (LRU beyond). */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MEMORY_RESIDENT_USERS: number = 10_000;
}
