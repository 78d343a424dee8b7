import type { TextEmbedder } from '@frontier/ml-ports';
import type { MemoryRepository } from '@frontier/memory-data-access';
import { QdrantVectorIndex } from '@frontier/memory-vector-index';
import { memoryIndexConfig } from './config';
import { createVectorIndex } from './context';

// Pure wiring: no Qdrant is contacted (the index connects on first use).
describe('memoryIndexConfig → createVectorIndex (MEMORY_VECTOR_INDEX, QDRANT_*)', () => {
  const embedder = { modelId: 'm', adapter: 'test', dimension: 8, embed: async () => [] } as unknown as TextEmbedder;
  const memories = {} as MemoryRepository; // only the embedded index reads it

  it('qdrant with QDRANT_SHARD_KEYS: user-defined sharding, one shard key a user; without it: automatic sharding', () => {
    const env = { MEMORY_VECTOR_INDEX: 'qdrant' as const, QDRANT_URL: 'http://127.0.0.1:6333', MEMORY_RESIDENT_USERS: 10 };
    const sharded = createVectorIndex(memoryIndexConfig({ ...env, QDRANT_SHARD_KEYS: 64 }), memories, embedder);
    expect(sharded).toBeInstanceOf(QdrantVectorIndex);
    expect((sharded as QdrantVectorIndex).shardKeyOf({ tenantId: 't', userId: 'u' })).toMatch(/^u([0-9]|[1-5][0-9]|6[0-3])$/);
    const auto = createVectorIndex(memoryIndexConfig({ ...env, QDRANT_SHARD_KEYS: 0 }), memories, embedder);
    expect((auto as QdrantVectorIndex).shardKeyOf({ tenantId: 't', userId: 'u' })).toBeNull();
  });

  it('qdrant without QDRANT_URL is refused, naming the variable', () => {
    expect(() => memoryIndexConfig({ MEMORY_VECTOR_INDEX: 'qdrant', MEMORY_RESIDENT_USERS: 10 })).toThrow(/^QDRANT_URL: required when MEMORY_VECTOR_INDEX=qdrant$/);
  });
});
