import { Module, type DynamicModule } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PlatformSettings, REDIS } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { JobQueue } from '@frontier/platform-queue';
import { ModelVersionsRepository, TrainingLogRepository, TrainingRunsRepository } from '@frontier/recsys-data-access';
import { ModelRegistryService } from './model-registry.service';
import { TRAINING_OPTIONS, type TrainingOptions } from './options';
import { TrainingScheduler } from './training.scheduler';
import { TrainingService } from './training.service';

const repository = <T>(cls: new (prisma: PrismaService) => T) => ({ provide: cls, inject: [PrismaService], useFactory: (prisma: PrismaService) => new cls(prisma) });

/**
 * The training loop and the model registry, for recsys-worker (and the `recsys` command). Needs
 * `PlatformModule` (Prisma, Redis, JobQueue, settings) in the app.
 *
 *   RecsysTrainingModule.register({ gate: { relativeTolerance: 0.05 } })
 */
@Module({})
export class RecsysTrainingModule {
  static register(options: TrainingOptions = {}): DynamicModule {
    return {
      module: RecsysTrainingModule,
      providers: [
        { provide: TRAINING_OPTIONS, useValue: options },
        repository(ModelVersionsRepository),
        repository(TrainingRunsRepository),
        repository(TrainingLogRepository),
        {
          provide: ModelRegistryService,
          inject: [ModelVersionsRepository, REDIS, PlatformSettings],
          useFactory: (versions: ModelVersionsRepository, redis: Redis, s: PlatformSettings) => new ModelRegistryService(versions, redis, s.redisPrefix),
        },
        {
          provide: TrainingService,
          inject: [PrismaService, TrainingRunsRepository, TrainingLogRepository, ModelRegistryService, TRAINING_OPTIONS],
          useFactory: (prisma: PrismaService, runs: TrainingRunsRepository, logs: TrainingLogRepository, registry: ModelRegistryService, o: TrainingOptions) =>
            new TrainingService(prisma, runs, logs, registry, o),
        },
        { provide: TrainingScheduler, inject: [TrainingService, JobQueue], useFactory: (t: TrainingService, jobs: JobQueue) => new TrainingScheduler(t, jobs) },
      ],
      exports: [TRAINING_OPTIONS, ModelRegistryService, TrainingService, TrainingScheduler, ModelVersionsRepository, TrainingRunsRepository, TrainingLogRepository],
    };
  }
}
