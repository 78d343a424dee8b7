import type { Memory } from './memory';
import { DEFAULT_TYPE_POLICIES, durabilityRank, type MemoryType, type TypePolicy } from './taxonomy';

type Evictable = Pick<Memory, 'id' | 'type' | 'lastRetrievedAt' | 'createdAt' | 'confidence'>;

/**
 * Which memories to drop when a user exceeds `cap`: volatile before stable before durable (a
 * durable fact goes only when nothing else is left), and within a class the least recently
 * retrieved first (never-retrieved by age), then the least confident.
 */
export function evictionOrder<T extends Evictable>(memories: readonly T[], cap: number, policies: Record<MemoryType, TypePolicy> = DEFAULT_TYPE_POLICIES): T[] {
  if (!Number.isInteger(cap) || cap < 0) throw new RangeError('cap must be a non-negative integer');
  const excess = memories.length - cap;
  if (excess <= 0) return [];
  const lastUse = (m: T) => (m.lastRetrievedAt ?? m.createdAt).getTime();
  const ranked = [...memories].sort(
    (a, b) =>
      durabilityRank(policies[a.type].durability) - durabilityRank(policies[b.type].durability) ||
      lastUse(a) - lastUse(b) ||
      a.confidence - b.confidence ||
      a.id.localeCompare(b.id),
  );
  return ranked.slice(0, excess);
}
