import { Module, type DynamicModule } from '@nestjs/common';
import { MULTIMODAL_JOBS } from '@frontier/multimodal-contracts';
import { MultimodalModule } from '@frontier/multimodal-nest';
import { PlatformModule } from '@frontier/platform-nest';
import { QueueModule } from '@frontier/platform-queue';
import type { MultimodalWorkerEnv } from './env';
import { MultimodalHandlers } from './multimodal.handlers';

@Module({})
export class WorkerModule {
  static register(env: MultimodalWorkerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forWorker({ service: 'multimodal-worker', databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX }),
        MultimodalModule,
        QueueModule.forWorker({ catalogs: [MULTIMODAL_JOBS], concurrency: env.WORKER_CONCURRENCY }),
      ],
      providers: [MultimodalHandlers],
    };
  }
}
