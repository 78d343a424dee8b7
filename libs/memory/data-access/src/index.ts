export { BadRequestError, NotFoundError, ConflictError } from './errors';
export type { UserLockOptions } from './user-lock';
export { MemoryRepository, type StoredMemory, type NewFact, type Supersession, type ListQuery, type Deletion } from './memory.repository';
export { FORGET_COMMAND_ACTOR, forgetCommandReason, redactEvent, type HistoryEntry } from './history';
export { SessionRepository, type SessionRecord, type NewSession, type SessionState, type SessionCounts, type ExtractMode, type UnprocessedSession } from './session.repository';
export { BiographyRepository, biographyFingerprint, type BiographyRecord } from './biography.repository';
export { encodeVector, decodeVector, transcriptHash } from './mappers';
export { RUN_SEPARATOR, runOf, type EntityFilter, type ValidRange } from './filters';
