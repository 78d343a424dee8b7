/** Shared by the retrieval specs: a fixed clock and a rankable memory with sensible defaults. */
import type { RankableMemory } from './retrieval';

export const NOW = new Date('2026-11-24T00:00:00Z');

export const mem = (id: string, over: Partial<RankableMemory> = {}): RankableMemory => ({
  id,
  type: 'context',
  confidence: 1,
  retrievalCount: 0,
  validAt: NOW,
  provenance: { sessionId: 's1', sourceHash: 'h', turnIds: [id] },
  ...over,
});
