import type { KnowledgeSection, ScoreBreakdown } from '@frontier/memory-domain';
import type { MemoryView } from '../services/memory.service';

/** Wire shape of a memory (snake_case, like the rest of the HTTP API). */
export function presentMemory({ memory: m, session }: MemoryView) {
  return {
    id: m.id,
    user_id: m.userId,
    memory: m.text,
    type: m.type,
    confidence: m.confidence,
    slot: m.slot ?? null,
    provenance: { session_id: session?.externalId ?? null, source_hash: m.provenance.sourceHash, turn_ids: m.provenance.turnIds },
    valid_at: m.validAt,
    invalid_at: m.invalidAt,
    created_at: m.createdAt,
    expired_at: m.expiredAt,
    superseded_by: m.supersededBy,
    retrieval_count: m.retrievalCount,
    last_retrieved_at: m.lastRetrievedAt,
  };
}

export function presentBreakdown(b: ScoreBreakdown) {
  return { score: b.score, relevance: b.relevance, cosine: b.cosine, lexical: b.lexical, recency: b.recency, age_days: b.ageDays, confidence: b.confidence, usage: b.usage };
}

export function presentKnowledge(sections: KnowledgeSection[]) {
  return sections.map((s) => ({
    type: s.type,
    label: s.label,
    sensitivity: s.sensitivity,
    facts: s.facts.map((f) => ({ id: f.id, text: f.text, confidence: f.confidence, since: f.since })),
  }));
}
