import { Redis } from 'ioredis';
import type { ModelRegistry } from '@frontier/ml-registry';
import type { PrismaClient } from '@frontier/platform-prisma';
import { ruleBasedExtractor } from '@frontier/memory-domain';
import { MemoryChangeBus } from './change-bus';
import type { MemoryDeps, MemoryOptions } from './deps';
import { LlmExtractor } from './llm-extractor';
import { createMemoryDeps, invalidateUserIndex } from './memory-deps';

export interface MemoryRuntime {
  deps: MemoryDeps;
  bus: MemoryChangeBus;
  close(): Promise<void>;
}

/**
 * What memory-api and memory-worker share: models from the registry (embedder; the LLM extractor
 * when an LLM is configured, else the rule-based one), the embedded index loaded from Postgres,
 * and the change bus that keeps every process's index copy current.
 */
export async function createMemoryRuntime(c: { prisma: PrismaClient; registry: ModelRegistry; redisUrl: string; redisPrefix: string; options?: MemoryOptions }): Promise<MemoryRuntime> {
  const embedder = await c.registry.get('embedding');
  const llm = await c.registry.optionalLlm();
  const deps = createMemoryDeps({ prisma: c.prisma, embedder, extractor: llm ? new LlmExtractor(llm) : ruleBasedExtractor, ...(c.options ? { options: c.options } : {}) });
  const redis = new Redis(c.redisUrl, { maxRetriesPerRequest: 2 });
  const bus = new MemoryChangeBus(redis, `${c.redisPrefix}:memory:changed`);
  await bus.subscribe((scope) => invalidateUserIndex(deps.index, scope));
  return {
    deps,
    bus,
    async close() {
      await bus.close();
      await deps.index.close();
      redis.disconnect();
    },
  };
}
