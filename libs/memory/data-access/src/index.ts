export { BadRequestError, NotFoundError, ConflictError } from './errors';
export { MemoryRepository, type StoredMemory, type NewFact, type Supersession, type HistoryEntry, type ListQuery } from './memory.repository';
export { SessionRepository, type SessionRecord, type NewSession, type SessionState, type SessionCounts } from './session.repository';
export { BiographyRepository, type BiographyRecord } from './biography.repository';
export { encodeVector, decodeVector, transcriptHash } from './mappers';
export { RUN_SEPARATOR, runOf, type EntityFilter, type ValidRange } from './filters';
