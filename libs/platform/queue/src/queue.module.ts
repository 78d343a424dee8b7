import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { JobCatalog } from '@frontier/platform-jobs';
import { JobQueue } from './job-queue.service';
import { JobWorkers } from './job-workers.service';
import { QueueOptions, WorkerOptions } from './queue.options';

@Module({})
export class QueueModule {
  /** Producer side: provides {@link JobQueue}. */
  static forRoot(options: { redisUrl: string; redisClusterNodes?: string | undefined; prefix: string; commandTimeoutMs?: number | undefined }): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      providers: [{ provide: QueueOptions, useValue: options }, JobQueue],
      exports: [JobQueue, QueueOptions],
    };
  }

  /** Worker side: consumes the catalogs' queues; import next to `forRoot` and the handler providers. */
  static forWorker(options: { catalogs: readonly JobCatalog[]; concurrency?: number; scheduleCheckMs?: number }): DynamicModule {
    return {
      module: QueueModule,
      imports: [DiscoveryModule],
      providers: [{ provide: WorkerOptions, useValue: options }, JobWorkers],
    };
  }
}
