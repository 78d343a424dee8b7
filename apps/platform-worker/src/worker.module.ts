import { Module, type DynamicModule } from '@nestjs/common';
import { PLATFORM_JOBS } from '@frontier/platform-contracts';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import { QueueModule } from '@frontier/platform-queue';
import type { PlatformWorkerEnv } from './env';
import { PlatformHandlers } from './platform.handlers';

@Module({})
export class WorkerModule {
  static register(env: PlatformWorkerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forWorker(platformSettings('platform-worker', env)),
        QueueModule.forWorker({ catalogs: [PLATFORM_JOBS], concurrency: env.WORKER_CONCURRENCY }),
      ],
      providers: [PlatformHandlers],
    };
  }
}
