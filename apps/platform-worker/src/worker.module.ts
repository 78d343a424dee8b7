import { Module, type DynamicModule } from '@nestjs/common';
import { QueueName } from '@frontier/platform-jobs';
import { PlatformModule } from '@frontier/platform-nest';
import { QueueModule } from '@frontier/platform-queue';
import type { PlatformWorkerEnv } from './env';
import { PlatformHandlers } from './platform.handlers';

@Module({})
export class WorkerModule {
  static register(env: PlatformWorkerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forWorker({ service: 'platform-worker', databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX }),
        QueueModule.forRoot({ redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX }),
        QueueModule.forWorker({ queues: [QueueName.Platform], concurrency: env.WORKER_CONCURRENCY }),
      ],
      providers: [PlatformHandlers],
    };
  }
}
