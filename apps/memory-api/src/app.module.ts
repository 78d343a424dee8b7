import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import { Mem0Module, MemoryModule } from '@frontier/memory-nest';
import { memoryIndexConfig, type MemoryApiEnv } from './env';
import { ErasureController } from './erasure.controller';
import { MemoriesController } from './memories.controller';
import { Mem0Controller } from './mem0/mem0.controller';
import { SettingsController } from './settings/settings.controller';
import { DeviceInterceptor } from './sync/device.interceptor';
import { SyncController } from './sync/sync.controller';
import { SyncGateway } from './sync/sync.gateway';

@Module({})
export class AppModule {
  static register(env: MemoryApiEnv, modelEnv: Record<string, string | undefined> = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forHttp(platformSettings('memory-api', env)),
        MemoryModule.forRoot({ index: memoryIndexConfig(env), modelEnv, options: { restoreGraceDays: env.MEMORY_RESTORE_GRACE_DAYS, liveCacheRows: env.MEMORY_LIVE_CACHE_ROWS, ...(env.MEMORY_ERASURE_KEY ? { erasureKey: env.MEMORY_ERASURE_KEY } : {}) } }),
        Mem0Module,
      ],
      controllers: [MemoriesController, ErasureController, Mem0Controller, SyncController, SettingsController],
      // cross-device sync: each request's device (X-Device-Id) and the live push gateway at /v1/sync/ws
      providers: [{ provide: APP_INTERCEPTOR, useClass: DeviceInterceptor }, SyncGateway],
    };
  }
}
