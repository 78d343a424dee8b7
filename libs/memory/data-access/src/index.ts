export type { MemoryDeps, MemoryOptions } from './deps';
export { BadRequestError, NotFoundError, ConflictError } from './errors';
export { storeSession, getSessionStatus, type SessionInput, type TurnInput, type StoredSession, type SessionStatus } from './sessions';
export { processSession, softDelete, markBiographyStale, enforceCap, type ExtractionOutcome, type MemoryEventName } from './pipeline';
export { searchMemories, type SearchInput, type SearchResult, type ScoredMemory } from './retrieval';
export { rebuildBiography, usersNeedingBiography, type BiographyOutcome } from './biography';
export {
  listMemories,
  getMemory,
  updateMemory,
  deleteMemory,
  deleteBySession,
  deleteAllMemories,
  memoryScope,
  memoryHistory,
  profile,
  type ListInput,
  type Page,
  type UpdateInput,
  type HistoryEntry,
  type Profile,
} from './memories';
export { LlmExtractor } from './llm-extractor';
export { encodeVector, decodeVector, transcriptHash, type MemoryScope } from './records';
export { createMemoryDeps, postgresIndexLoader, invalidateUserIndex, type MemoryDepsConfig } from './memory-deps';
export { MemoryChangeBus } from './change-bus';
export { sessionExternalIds, sessionRefs, runOf, entityWhere, RUN_SEPARATOR, type EntityFilter } from './records';
export { createMemoryRuntime, type MemoryRuntime } from './runtime';
export { memoryRuntimeProviders, MEMORY_RUNTIME, MODEL_REGISTRY, type MemoryRuntimeSettings } from './nest-providers';
