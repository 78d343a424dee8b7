import type { MemoryType } from './taxonomy';

/** Where a fact came from: enough to delete everything derived from a session. */
export interface Provenance {
  sessionId: string;
  /** SHA-256 of the source transcript (or of the turns the fact came from). */
  sourceHash: string;
  /** Dialogue/turn ids the fact was extracted from. */
  turnIds: string[];
}

/**
 * A memory (atomic fact), bi-temporal: event time (validAt/invalidAt: when it was/stopped being
 * true) and system time (createdAt/expiredAt: when we learned it / replaced the record).
 */
export interface Memory {
  id: string;
  userId: string;
  text: string;
  type: MemoryType;
  confidence: number;
  /** Normalised attribute this fact fills (e.g. `work.employer`), when the extractor knows it. */
  slot?: string;
  provenance: Provenance;
  validAt: Date;
  invalidAt: Date | null;
  createdAt: Date;
  expiredAt: Date | null;
  supersededBy: string | null;
  retrievalCount: number;
  lastRetrievedAt: Date | null;
  deletedAt: Date | null;
}

/** Live = may be retrieved: not soft-deleted, not invalidated, not expired, not superseded. */
export function isLive(m: Pick<Memory, 'deletedAt' | 'invalidAt' | 'expiredAt' | 'supersededBy'>, now = new Date()): boolean {
  if (m.deletedAt) return false;
  if (m.supersededBy) return false;
  if (m.invalidAt && m.invalidAt.getTime() <= now.getTime()) return false;
  if (m.expiredAt && m.expiredAt.getTime() <= now.getTime()) return false;
  return true;
}

/** A fact proposed by an extractor, before dedup. */
export interface Candidate {
  text: string;
  type: MemoryType;
  confidence: number;
  slot?: string;
  /** The value filling the slot, to tell a contradiction from a restatement. */
  value?: string;
  turnIds: string[];
  /** When the fact became true (the turn's time); defaults to the session's time. */
  validAt?: Date;
}
