import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { TextEmbedder } from '@frontier/ml-ports';
import { loadModelsConfig, ModelRegistry } from '@frontier/ml-registry';
import { EventRepository, FeatureStore, ImpressionRepository, ItemRepository } from '@frontier/recsys-data-access';
import { PlatformSettings, REDIS } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { RECSYS_CONFIG, type RecsysConfig } from './config';
import { ItemEmbedder } from './embedder';
import { BatchStreamService } from './events/batch-stream.service';
import { EventsService } from './events/events.service';
import { FeaturesService } from './features/features.service';
import { MaintenanceService } from './features/maintenance.service';
import { ItemsService } from './items/items.service';

/** Injection token of the model registry (ML_* env) the recommender's apps share. */
export const RECSYS_MODEL_REGISTRY = Symbol.for('frontier:recsys-model-registry');

export interface RecsysModuleSettings {
  config?: RecsysConfig;
  /** Model choice (ML_* variables); default `process.env`. */
  modelEnv?: Record<string, string | undefined>;
}

/** The embedding port, built by the registry on first use. */
@Injectable()
class RegistryEmbedder extends ItemEmbedder implements OnApplicationShutdown {
  constructor(@Inject(RECSYS_MODEL_REGISTRY) private readonly registry: ModelRegistry) {
    super();
  }
  get(): Promise<TextEmbedder> {
    return this.registry.get('embedding');
  }
  async onApplicationShutdown(): Promise<void> {
    await this.registry.close();
  }
}

const repository = <T>(cls: new (prisma: PrismaService) => T) => ({ provide: cls, inject: [PrismaService], useFactory: (prisma: PrismaService) => new cls(prisma) });

/**
 * The recommender wired for recsys-api and recsys-worker: repositories on the platform's Prisma
 * client, the Redis feature store under REDIS_PREFIX, the embedding port from the model registry,
 * and the services (items, events, features, maintenance). Needs `PlatformModule` (Prisma, Redis,
 * JobQueue) in the app. Global: register it once; the scope's other modules inject its services.
 *
 *   RecsysModule.register({ config: { reconcileAfterS: env.RECSYS_RECONCILE_AFTER_S } })
 */
@Module({})
export class RecsysModule {
  static register(settings: RecsysModuleSettings = {}): DynamicModule {
    return {
      module: RecsysModule,
      global: true,
      providers: [
        { provide: RECSYS_CONFIG, useValue: settings.config ?? {} },
        { provide: RECSYS_MODEL_REGISTRY, useFactory: () => new ModelRegistry(loadModelsConfig(settings.modelEnv ?? process.env)) },
        { provide: ItemEmbedder, useClass: RegistryEmbedder },
        repository(ItemRepository),
        repository(EventRepository),
        repository(ImpressionRepository),
        { provide: FeatureStore, inject: [REDIS, PlatformSettings], useFactory: (redis: Redis, s: PlatformSettings) => new FeatureStore(redis, s.redisPrefix) },
        ItemsService,
        EventsService,
        BatchStreamService,
        FeaturesService,
        MaintenanceService,
      ],
      exports: [
        RECSYS_CONFIG,
        RECSYS_MODEL_REGISTRY,
        ItemEmbedder,
        ItemRepository,
        EventRepository,
        ImpressionRepository,
        FeatureStore,
        ItemsService,
        EventsService,
        BatchStreamService,
        FeaturesService,
        MaintenanceService,
      ],
    };
  }
}
