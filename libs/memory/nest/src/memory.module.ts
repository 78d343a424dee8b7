import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ChatModel } from '@frontier/ml-ports';
import { loadModelsConfig, ModelRegistry } from '@frontier/ml-registry';
import { ruleBasedExtractor } from '@frontier/memory-domain';
import { MemoryCipher } from '@frontier/memory-data-access';
import type { EventBus } from '@frontier/platform-events';
import { EVENT_BUS } from '@frontier/platform-nest';
import { PrismaService } from '@frontier/platform-prisma';
import { MemoryChangeBus } from './change-bus';
import { memoryQueryEmbedder } from './config';
import { createMemoryContext, type VectorIndexConfig } from './context';
import { LlmExtractor } from './llm-extractor';
import { QueueingNotifier } from './notifier';
import { MEMORY_BIOGRAPHY_LLM, MEMORY_CONTEXT, MemoryNotifier, type MemoryContext, type MemoryOptions } from './ports';
import { Mem0ExportStore } from './mem0/export-store';
import { BiographyService } from './services/biography.service';
import { ERASABLE_CACHES, MemoryJobTraces, type ErasableCache } from './services/erasure-caches';
import { ErasureService } from './services/erasure.service';
import { ExportService } from './services/export.service';
import { ExtractionService } from './services/extraction.service';
import { MemoryService } from './services/memory.service';
import { ReconcilerService } from './services/reconciler.service';
import { SessionService } from './services/session.service';
import { SYNC_EXPORTS, SYNC_PROVIDERS } from './sync/sync.module';

/** Injection token of the model registry (ML_* env) memory's apps share. */
export const MODEL_REGISTRY = Symbol.for('frontier:model-registry');

export interface MemoryModuleSettings {
  /** `MEMORY_VECTOR_INDEX=embedded|qdrant`, `QDRANT_URL`, `MEMORY_RESIDENT_USERS`. */
  index: VectorIndexConfig;
  /** Model choice (ML_* variables); default `process.env`. */
  modelEnv?: Record<string, string | undefined>;
  options?: MemoryOptions;
}

/** Keeps this process's index copies current: another process's change invalidates the user's copy. */
@Injectable()
class IndexSync implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly bus: MemoryChangeBus,
    @Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.bus.subscribe((scope) => {
      this.ctx.keys.evict(scope); // the user's data key may have been shredded there (erasure): read it again
      return this.ctx.index.invalidate(scope);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.ctx.index.close();
    await this.registry.close();
  }
}

/**
 * Memory wired from config for memory-api and memory-worker: repositories on Prisma, models from
 * the registry (the LLM extractor and biographer when an LLM is configured, else the rule-based
 * extractor and the deterministic biography), the configured vector index, and the notifier that
 * queues follow-up jobs and publishes changes. Needs `PlatformModule` (Prisma, Redis, JobQueue).
 */
@Module({})
export class MemoryModule {
  static forRoot(s: MemoryModuleSettings): DynamicModule {
    return {
      module: MemoryModule,
      global: true,
      providers: [
        { provide: MODEL_REGISTRY, useFactory: () => new ModelRegistry(loadModelsConfig(s.modelEnv ?? process.env)) },
        { provide: MemoryChangeBus, inject: [EVENT_BUS], useFactory: (bus: EventBus) => new MemoryChangeBus(bus) },
        { provide: MemoryNotifier, useClass: QueueingNotifier },
        { provide: MEMORY_BIOGRAPHY_LLM, inject: [MODEL_REGISTRY], useFactory: (registry: ModelRegistry): Promise<ChatModel | null> => registry.optionalLlm().then((m) => m ?? null) },
        {
          provide: MEMORY_CONTEXT,
          inject: [PrismaService, MODEL_REGISTRY, MemoryNotifier, MEMORY_BIOGRAPHY_LLM],
          useFactory: async (prisma: PrismaService, registry: ModelRegistry, notifier: MemoryNotifier, llm: ChatModel | null): Promise<MemoryContext> => {
            const embedder = await registry.get('embedding');
            return createMemoryContext({
              prisma,
              embedder,
              // search queries: MEMORY_QUERY_EMBEDDING (default: the static table distilled from USE-lite)
              queryEmbedder: await memoryQueryEmbedder(embedder, s.modelEnv ?? process.env),
              extractor: llm ? new LlmExtractor(llm) : ruleBasedExtractor,
              index: s.index,
              notifier,
              keys: MemoryCipher.fromEnv(prisma, process.env, (m) => new Logger('MemoryEncryption').warn(m)),
              ...(s.options ? { options: s.options } : {}),
            });
          },
        },
        IndexSync,
        Mem0ExportStore,
        MemoryJobTraces,
        { provide: ERASABLE_CACHES, inject: [Mem0ExportStore, MemoryJobTraces], useFactory: (...caches: ErasableCache[]) => caches },
        ErasureService,
        ExportService,
        ExtractionService,
        MemoryService,
        SessionService,
        BiographyService,
        ReconcilerService,
        ...SYNC_PROVIDERS,
      ],
      exports: [...SYNC_EXPORTS, MEMORY_CONTEXT, MODEL_REGISTRY, MemoryNotifier, ExtractionService, MemoryService, SessionService, BiographyService, ReconcilerService, ErasureService, ExportService, Mem0ExportStore],
    };
  }
}
