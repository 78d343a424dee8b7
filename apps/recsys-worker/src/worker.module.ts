import { Module, type DynamicModule } from '@nestjs/common';
import { RECSYS_INDEX_JOBS, RECSYS_JOBS, RECSYS_TRAINING_JOBS } from '@frontier/recsys-contracts';
import { BatchStreamService, RankingModule, RecsysModule, RecsysTrainingModule } from '@frontier/recsys-nest';
import type { EventBus } from '@frontier/platform-events';
import { EVENT_BUS, PlatformModule, platformSettings } from '@frontier/platform-nest';
import { QueueModule } from '@frontier/platform-queue';
import type { RecsysWorkerEnv } from './env';
import { rankingSettingsFromEnv } from './ranking.env';
import { RecsysEventConsumers } from './recsys.events';
import { RecsysHandlers } from './recsys.handlers';
import { TrainingHandlers } from './training.handlers';

@Module({})
export class WorkerModule {
  static register(env: RecsysWorkerEnv, modelEnv: Record<string, string | undefined> = process.env): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forWorker(platformSettings('recsys-worker', env)),
        RecsysModule.register({ config: { reconcileAfterS: env.RECSYS_RECONCILE_AFTER_S, impressionRetentionDays: env.RECSYS_IMPRESSION_RETENTION_DAYS }, modelEnv }),
        RankingModule.forWorker(rankingSettingsFromEnv(env)),
        RecsysTrainingModule.register(),
        QueueModule.forWorker({ catalogs: [RECSYS_JOBS, RECSYS_INDEX_JOBS, RECSYS_TRAINING_JOBS], concurrency: env.WORKER_CONCURRENCY }),
      ],
      providers: [
        RecsysHandlers,
        TrainingHandlers,
        {
          provide: RecsysEventConsumers,
          inject: [EVENT_BUS, BatchStreamService],
          useFactory: (bus: EventBus, stream: BatchStreamService) => new RecsysEventConsumers(bus, stream, env.WORKER_CONCURRENCY),
        },
      ],
    };
  }
}
