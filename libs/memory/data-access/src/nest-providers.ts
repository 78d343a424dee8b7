import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { createMemoryRuntime, type MemoryRuntime } from './runtime';
import { loadModelsConfig, ModelRegistry } from '@frontier/ml-registry';
import { PrismaService } from '@frontier/platform-prisma';
/** Injection tokens of the memory runtime and the model registry in memory-api / memory-worker. */
export const MEMORY_RUNTIME = Symbol.for('frontier:memory-runtime');
export const MODEL_REGISTRY = Symbol.for('frontier:model-registry');

export interface MemoryRuntimeSettings {
  redisUrl: string;
  redisPrefix: string;
  env?: Record<string, string | undefined>;
}

/** Models from the registry (ML_* env) and the memory runtime on top of Prisma; closed on shutdown. */
export function memoryRuntimeProviders(s: MemoryRuntimeSettings): Provider[] {
  return [
    { provide: MODEL_REGISTRY, useFactory: () => new ModelRegistry(loadModelsConfig(s.env ?? process.env)) },
    {
      provide: MEMORY_RUNTIME,
      inject: [PrismaService, MODEL_REGISTRY],
      useFactory: (prisma: PrismaService, registry: ModelRegistry) => createMemoryRuntime({ prisma, registry, redisUrl: s.redisUrl, redisPrefix: s.redisPrefix }),
    },
    MemoryRuntimeCloser,
  ];
}

@Injectable()
class MemoryRuntimeCloser implements OnApplicationShutdown {
  constructor(
    @Inject(MEMORY_RUNTIME) private readonly runtime: MemoryRuntime,
    @Inject(MODEL_REGISTRY) private readonly registry: ModelRegistry,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
    await this.registry.close();
  }
}
