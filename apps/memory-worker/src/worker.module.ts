import { Module, type DynamicModule } from '@nestjs/common';
import { QueueName } from '@frontier/platform-jobs';
import { PlatformModule } from '@frontier/platform-nest';
import { QueueModule } from '@frontier/platform-queue';
import { memoryRuntimeProviders } from '@frontier/memory-data-access';
import type { MemoryWorkerEnv } from './env';
import { MemoryHandlers } from './memory.handlers';

@Module({})
export class WorkerModule {
  static register(env: MemoryWorkerEnv, modelEnv: Record<string, string | undefined> = process.env): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forWorker({ service: 'memory-worker', databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX }),
        QueueModule.forRoot({ redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX }),
        QueueModule.forWorker({ queues: [QueueName.Memory], concurrency: env.WORKER_CONCURRENCY }),
      ],
      providers: [...memoryRuntimeProviders({ redisUrl: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX, env: modelEnv }), MemoryHandlers],
    };
  }
}
