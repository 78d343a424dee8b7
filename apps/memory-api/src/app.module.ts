import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import { Mem0Module, MemoryModule } from '@frontier/memory-nest';
import { memoryIndexConfig, type MemoryApiEnv } from './env';
import { MemoriesController } from './memories.controller';
import { Mem0Controller } from './mem0/mem0.controller';

@Module({})
export class AppModule {
  static register(env: MemoryApiEnv, modelEnv: Record<string, string | undefined> = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forHttp(platformSettings('memory-api', env)),
        MemoryModule.forRoot({ index: memoryIndexConfig(env), modelEnv, options: { restoreGraceDays: env.MEMORY_RESTORE_GRACE_DAYS } }),
        Mem0Module,
      ],
      controllers: [MemoriesController, Mem0Controller],
    };
  }
}
