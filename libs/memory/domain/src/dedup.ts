import type { Candidate, Memory } from './memory';
import { DEFAULT_TYPE_POLICIES, durabilityRank, type MemoryType, type TypePolicy } from './taxonomy';

export interface DedupThresholds {
  /** cos above this: the same fact again → skip (and reinforce the existing one). */
  duplicate: number;
  /** cos in [related, duplicate]: possibly the same attribute with a new value → conflict check. */
  related: number;
}

export const DEFAULT_DEDUP: DedupThresholds = { duplicate: 0.9, related: 0.7 };

export interface Neighbour {
  memory: Memory;
  cosine: number;
}

export type DedupDecision =
  | { action: 'add' }
  | { action: 'skip'; duplicateOf: Memory; cosine: number }
  | { action: 'conflict'; with: Memory; cosine: number };

/**
 * Compares a candidate with its nearest live memories (any order): a duplicate wins over a
 * conflict; a slot match (same attribute, e.g. `work.employer`) is a conflict whatever the
 * cosine, since "I work at Acme" and "I work at Globex" may embed far apart.
 */
export function decideCandidate(candidate: Candidate, neighbours: readonly Neighbour[], t: DedupThresholds = DEFAULT_DEDUP): DedupDecision {
  const sorted = [...neighbours].sort((a, b) => b.cosine - a.cosine);
  const top = sorted[0];
  if (top && top.cosine > t.duplicate && top.memory.type === candidate.type && sameValue(candidate, top.memory)) {
    return { action: 'skip', duplicateOf: top.memory, cosine: top.cosine };
  }
  if (candidate.slot) {
    const sameSlot = sorted.find((n) => n.memory.slot === candidate.slot);
    if (sameSlot) {
      if (sameValue(candidate, sameSlot.memory) && sameSlot.cosine > t.related) return { action: 'skip', duplicateOf: sameSlot.memory, cosine: sameSlot.cosine };
      return { action: 'conflict', with: sameSlot.memory, cosine: sameSlot.cosine };
    }
  }
  if (top && top.cosine > t.duplicate) return { action: 'skip', duplicateOf: top.memory, cosine: top.cosine };
  if (top && top.cosine >= t.related && top.memory.type === candidate.type) return { action: 'conflict', with: top.memory, cosine: top.cosine };
  return { action: 'add' };
}

function sameValue(c: Candidate, m: Memory): boolean {
  if (!c.slot || !m.slot || c.slot !== m.slot || c.value === undefined) return true;
  return normalise(m.text).includes(normalise(c.value));
}

const normalise = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

export type ConflictResolution =
  | { action: 'supersede'; invalidate: { id: string; invalidAt: Date; expiredAt: Date } }
  | { action: 'keep-existing'; reason: string }
  | { action: 'coexist'; reason: string };

/**
 * For two facts about the same attribute, newer wins by default: the old fact is invalidated (invalidAt = the new fact's validAt;
 * expiredAt = now in system time) and kept for history, never deleted. A durable type needs a
 * more confident newcomer (`supersedeMinConfidence`): an allergy is not overturned by a guess.
 * A related fact without a slot and of another type simply coexists.
 */
export function resolveConflict(
  existing: Memory,
  incoming: Candidate & { validAt: Date },
  now: Date,
  policies: Record<MemoryType, TypePolicy> = DEFAULT_TYPE_POLICIES,
): ConflictResolution {
  const policy = policies[existing.type];
  if (existing.type !== incoming.type && !(existing.slot && existing.slot === incoming.slot)) {
    return { action: 'coexist', reason: `different types (${existing.type} vs ${incoming.type})` };
  }
  // Similar is not contradictory: without evidence that both fill the same attribute (a slot from
  // the extractor) two related facts coexist. An LLM extractor that names slots can supersede; the
  // offline default must not overwrite "I like jazz" with "I like swing" (LoCoMo: 0.7–0.9 pairs
  // superseded 2,560 of 3,435 turns when this was "newer wins").
  if (!existing.slot || existing.slot !== incoming.slot) {
    return { action: 'coexist', reason: 'related, but not shown to be the same attribute' };
  }
  if (incoming.validAt.getTime() < existing.validAt.getTime()) {
    return { action: 'keep-existing', reason: 'the existing fact is more recent in event time' };
  }
  const needed = Math.max(policy.supersedeMinConfidence, durabilityRank(policy.durability) === 2 ? existing.confidence : 0);
  if (incoming.confidence < needed) {
    return { action: 'keep-existing', reason: `${existing.type} is ${policy.durability}: superseding needs confidence ≥ ${needed.toFixed(2)}, got ${incoming.confidence.toFixed(2)}` };
  }
  return { action: 'supersede', invalidate: { id: existing.id, invalidAt: incoming.validAt, expiredAt: now } };
}
