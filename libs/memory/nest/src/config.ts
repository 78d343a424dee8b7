import type { VectorIndexConfig } from './context';

/** The memory variables memory-api and memory-worker read (validated by their env classes). */
export interface MemoryIndexEnv {
  MEMORY_VECTOR_INDEX: 'embedded' | 'qdrant';
  QDRANT_URL?: string;
  QDRANT_API_KEY?: string;
  MEMORY_RESIDENT_USERS: number;
}

/** `MEMORY_VECTOR_INDEX=embedded` (default; `MEMORY_RESIDENT_USERS` per process) or `qdrant` (`QDRANT_URL` required). */
export function memoryIndexConfig(env: MemoryIndexEnv): VectorIndexConfig {
  if (env.MEMORY_VECTOR_INDEX === 'qdrant') {
    if (!env.QDRANT_URL) throw new Error('QDRANT_URL: required when MEMORY_VECTOR_INDEX=qdrant');
    return { kind: 'qdrant', url: env.QDRANT_URL, ...(env.QDRANT_API_KEY ? { apiKey: env.QDRANT_API_KEY } : {}) };
  }
  return { kind: 'embedded', residentUsers: env.MEMORY_RESIDENT_USERS };
}
