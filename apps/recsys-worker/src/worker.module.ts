import { Module, type DynamicModule } from '@nestjs/common';
import { RecsysModule } from '@frontier/recsys-nest';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import type { RecsysWorkerEnv } from './env';

@Module({})
export class WorkerModule {
  static register(env: RecsysWorkerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [PlatformModule.forWorker(platformSettings('recsys-worker', env)), RecsysModule],
      providers: [],
    };
  }
}
