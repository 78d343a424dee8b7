export { BadRequestError, NotFoundError, ConflictError } from './errors';
export type { UserLockOptions } from './user-lock';
export { MemoryRepository, type RestoredMemory, type StoredMemory, type NewFact, type Supersession, type ListQuery, type Deletion } from './memory.repository';
export { FORGET_COMMAND_ACTOR, forgetCommandReason, redactEvent, type HistoryEntry } from './history';
export { SessionRepository, type SessionRecord, type NewSession, type SessionState, type SessionCounts, type ExtractMode, type UnprocessedSession } from './session.repository';
export { BiographyRepository, biographyFingerprint, type BiographyRecord } from './biography.repository';
export { encodeVector, decodeVector, transcriptHash } from './mappers';
export { MemoryCipher, memoryAad, type Sealer, type Opener, type SealedColumn, type MemoryCipherOptions } from './cipher';
export { PrismaDataKeyStore } from './data-key.store';
export { MemoryKeyAdmin, type BackfillReport } from './key-admin';
export { RUN_SEPARATOR, runOf, type EntityFilter, type ValidRange } from './filters';
export { ErasureRepository, ERASED_TURN_TEXT, type ErasureKind, type ErasureRecord, type ErasureSelection, type PostgresErasureCounts, type TextOpeners } from './erasure.repository';
export { SyncLog, SERVER_DEVICE, SYNC_OPS, asWriter, currentWriter, memoryRef, type SyncOp, type SyncChange, type SyncWriter, type VersionVector } from './sync.repository';
export { TenantSettingsRepository, SENSITIVE_POLICIES, type SensitivePolicy } from './tenant-settings.repository';
export { ExportReader, type ExportedMemory, type ExportedSession } from './erasure-export';
export {
  compileFilter,
  clientUserId,
  entityOwner,
  ownerEntity,
  ENTITY_OWNER_PREFIX,
  FIELD_OPS,
  FILTER_FROM,
  FILTER_OPS,
  type FilterField,
  type FilterNode,
  type FilterLeaf,
  type FilterOp,
  type FilterScalar,
  type OwnerKind,
} from './memory-filter';
export { FilteredMemories, type MemoryAttributes, type FilteredPageQuery } from './filtered-memories';
export { matchCategories, isCustomCategories, stem, type CustomCategories } from './categories';
export { LiveMemoryCache, type LiveMemoryCacheOptions, type PgQueryable, type LiveSnapshot, type CachedSessionRef } from './live-cache';
