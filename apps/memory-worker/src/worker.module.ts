import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule, platformSettings } from '@frontier/platform-nest';
import { QueueModule } from '@frontier/platform-queue';
import { MEMORY_JOBS } from '@frontier/memory-contracts';
import { MemoryModule } from '@frontier/memory-nest';
import { memoryIndexConfig, type MemoryWorkerEnv } from './env';
import { MemoryHandlers } from './memory.handlers';

@Module({})
export class WorkerModule {
  static register(env: MemoryWorkerEnv, modelEnv: Record<string, string | undefined> = process.env): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forWorker(platformSettings('memory-worker', env)),
        MemoryModule.forRoot({ index: memoryIndexConfig(env), modelEnv, options: { reconcileAfterS: env.MEMORY_RECONCILE_AFTER_S, maxRequeues: env.MEMORY_RECONCILE_MAX_REQUEUES, restoreGraceDays: env.MEMORY_RESTORE_GRACE_DAYS, syncRetentionDays: env.MEMORY_SYNC_RETENTION_DAYS, ...(env.MEMORY_ERASURE_KEY ? { erasureKey: env.MEMORY_ERASURE_KEY } : {}) } }),
        QueueModule.forWorker({ catalogs: [MEMORY_JOBS], concurrency: env.WORKER_CONCURRENCY }),
      ],
      providers: [MemoryHandlers],
    };
  }
}
