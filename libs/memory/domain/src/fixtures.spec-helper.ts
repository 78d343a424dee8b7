import type { Memory } from './memory';
import type { MemoryType } from './taxonomy';

let n = 0;
export function mem(over: Partial<Memory> & { text?: string; type?: MemoryType } = {}): Memory {
  n += 1;
  const at = over.validAt ?? new Date('2026-01-01T00:00:00Z');
  return {
    id: over.id ?? `m${n}`,
    userId: 'u1',
    text: 'I like tea',
    type: 'preference',
    confidence: 0.8,
    provenance: { sessionId: 's1', sourceHash: 'h', turnIds: ['t1'] },
    validAt: at,
    invalidAt: null,
    createdAt: at,
    expiredAt: null,
    supersededBy: null,
    retrievalCount: 0,
    lastRetrievedAt: null,
    deletedAt: null,
    ...over,
  };
}
