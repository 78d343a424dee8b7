import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@frontier/platform-nest';
import { QueueModule } from '@frontier/platform-queue';
import type { MemoryApiEnv } from './env';
import { MemoriesController } from './memories.controller';
import { Mem0Controller } from './mem0/mem0.controller';
import { memoryRuntimeProviders } from '@frontier/memory-data-access';

@Module({})
export class AppModule {
  static register(env: MemoryApiEnv, modelEnv: Record<string, string | undefined> = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        QueueModule.forRoot({ redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX }),
        PlatformModule.forHttp({ service: 'memory-api', databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX }),
      ],
      controllers: [MemoriesController, Mem0Controller],
      providers: memoryRuntimeProviders({ redisUrl: env.REDIS_URL, redisPrefix: env.REDIS_PREFIX, env: modelEnv }),
    };
  }
}
