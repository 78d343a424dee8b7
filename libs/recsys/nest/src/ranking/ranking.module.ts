import { Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PlatformSettings, REDIS } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { JobQueue, OnJob } from '@frontier/platform-queue';
import { RecsysIndexJobs, type RecsysRebuildIndexPayload } from '@frontier/recsys-contracts';
import { FeatureStore, ImpressionRepository, ModelVersionsRepository, RankingCatalogRepository } from '@frontier/recsys-data-access';
import { RankingBus } from './bus';
import { ItemCatalogService, rebuildViaQueue } from './catalog.service';
import { RankingFeatures, StoreRankingFeatures } from './features';
import { ImpressionLog } from './impression-log';
import { IndexBuilderService, type IndexBuildReport } from './index-builder.service';
import { LiveModelService } from './live-model.service';
import { RankingService } from './ranking.service';
import { RankingSettings } from './settings';

/** Subscribes the serving process to ranking's channels and starts its pollers; stops them on shutdown. */
@Injectable()
class RankingLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly bus: RankingBus,
    private readonly catalogs: ItemCatalogService,
    private readonly models: LiveModelService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.catalogs.start(this.bus);
    this.models.start(this.bus);
    await this.bus.subscribe();
  }

  async onApplicationShutdown(): Promise<void> {
    this.catalogs.stop();
    await this.bus.close();
  }
}

/** recsys-worker's handler of the index rebuild job. */
@Injectable()
export class RankingIndexHandlers {
  constructor(private readonly builder: IndexBuilderService) {}

  @OnJob(RecsysIndexJobs.rebuildIndex)
  async rebuildIndex(data: RecsysRebuildIndexPayload): Promise<IndexBuildReport[]> {
    return this.builder.rebuild(data.tenantId);
  }
}

const common = (settings: RankingSettings): Provider[] => [
  { provide: RankingSettings, useValue: settings },
  { provide: RankingBus, inject: [REDIS, PlatformSettings], useFactory: (redis: Redis, s: PlatformSettings) => new RankingBus(redis, s.redisPrefix) },
  { provide: RankingCatalogRepository, inject: [PrismaService], useFactory: (prisma: PrismaService) => new RankingCatalogRepository(prisma) },
];

/**
 * Ranking (issue 12 item 4). `forApi`: `RankingService` behind `POST /v1/recommendations`, with the
 * per-tenant catalogues (index build + buffer), the live models (hot-swapped), the feature reads and
 * the impression log. `forWorker`: the index build and its job handler (the worker consumes
 * `RECSYS_INDEX_JOBS`). Both need `PlatformModule` (Prisma, Redis, JobQueue).
 */
@Module({})
export class RankingModule {
  static forApi(settings: RankingSettings): DynamicModule {
    return {
      module: RankingModule,
      providers: [
        ...common(settings),
        {
          provide: ItemCatalogService,
          inject: [RankingCatalogRepository, RankingSettings, JobQueue],
          useFactory: (repo: RankingCatalogRepository, s: RankingSettings, jobs: JobQueue) => new ItemCatalogService(repo, s, rebuildViaQueue((job, data) => jobs.enqueue(job, data))),
        },
        {
          provide: RankingFeatures,
          inject: [REDIS, PlatformSettings],
          useFactory: (redis: Redis, s: PlatformSettings) => new StoreRankingFeatures(new FeatureStore(redis, s.redisPrefix)),
        },
        {
          provide: LiveModelService,
          inject: [PrismaService, RankingSettings],
          useFactory: (prisma: PrismaService, s: RankingSettings) => new LiveModelService(new ModelVersionsRepository(prisma), s.modelPollMs),
        },
        {
          provide: ImpressionLog,
          inject: [PrismaService, RankingSettings],
          useFactory: (prisma: PrismaService, s: RankingSettings) => new ImpressionLog(new ImpressionRepository(prisma), { durable: s.durableImpressions }),
        },
        {
          provide: RankingService,
          inject: [ItemCatalogService, RankingFeatures, LiveModelService, ImpressionLog, RankingSettings],
          useFactory: (c: ItemCatalogService, f: RankingFeatures, m: LiveModelService, l: ImpressionLog, s: RankingSettings) => new RankingService(c, f, m, l, s),
        },
        RankingLifecycle,
      ],
      exports: [RankingService, ItemCatalogService, LiveModelService, RankingFeatures, ImpressionLog, RankingBus, RankingSettings],
    };
  }

  static forWorker(settings: RankingSettings): DynamicModule {
    return {
      module: RankingModule,
      providers: [
        ...common(settings),
        {
          provide: IndexBuilderService,
          inject: [RankingCatalogRepository, RankingSettings, RankingBus],
          useFactory: (repo: RankingCatalogRepository, s: RankingSettings, bus: RankingBus) => new IndexBuilderService(repo, s, bus),
        },
        RankingIndexHandlers,
      ],
      exports: [IndexBuilderService, RankingBus, RankingSettings],
    };
  }
}
