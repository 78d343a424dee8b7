import { Module, type DynamicModule } from '@nestjs/common';
import { MULTIMODAL_JOBS } from '@frontier/multimodal-contracts';
import { MultimodalModule } from '@frontier/multimodal-nest';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import { QueueModule } from '@frontier/platform-queue';
import type { MultimodalWorkerEnv } from './env';
import { MultimodalHandlers } from './multimodal.handlers';

@Module({})
export class WorkerModule {
  static register(env: MultimodalWorkerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forWorker(platformSettings('multimodal-worker', env)),
        MultimodalModule.register({ reconcileAfterS: env.MULTIMODAL_RECONCILE_AFTER_S }),
        QueueModule.forWorker({ catalogs: [MULTIMODAL_JOBS], concurrency: env.WORKER_CONCURRENCY }),
      ],
      providers: [MultimodalHandlers],
    };
  }
}
