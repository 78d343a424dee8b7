import { createHash } from 'node:crypto';
import type { ScoreBreakdown } from '@frontier/memory-domain';
import { runOf, type HistoryEntry } from '@frontier/memory-data-access';
import type { ExtractionOutcome } from '../services/extraction.service';
import type { MemoryView } from '../services/memory.service';
import { presentBreakdown } from './memory.presenter';

/**
 * A memory in Mem0's shape (`id`, `memory`, `user_id`, `agent_id`, `run_id`, `hash`, `categories`,
 * `created_at` …), plus ours as extra fields the client passes through (bi-temporal times,
 * provenance, confidence). Mem0's `created_at` is when the fact was stated (its `timestamp` option
 * sets it): our `valid_at`. When we recorded it is `recorded_at`.
 */
export function mem0Memory({ memory: m, session }: MemoryView) {
  return {
    id: m.id,
    memory: m.text,
    user_id: m.userId,
    agent_id: session?.agentId ?? null,
    app_id: null,
    run_id: session ? runOf(session.externalId) : null,
    hash: createHash('md5').update(m.text).digest('hex'),
    metadata: null,
    categories: [m.type],
    created_at: m.validAt,
    expiration_date: m.invalidAt ? m.invalidAt.toISOString().slice(0, 10) : null,
    // ours
    type: m.type,
    confidence: m.confidence,
    valid_at: m.validAt,
    invalid_at: m.invalidAt,
    recorded_at: m.createdAt,
    expired_at: m.expiredAt,
    superseded_by: m.supersededBy,
    provenance: { session_id: session?.externalId ?? null, source_hash: m.provenance.sourceHash, turn_ids: m.provenance.turnIds },
  };
}

export function mem0Scored(v: MemoryView, b: ScoreBreakdown) {
  return { ...mem0Memory(v), score: b.score, score_breakdown: presentBreakdown(b) };
}

/** Our extraction results as Mem0's add results: `event` is ADD / UPDATE / DELETE / NONE. */
export function mem0AddResults(outcome: ExtractionOutcome, ids: { userId: string; agentId: string | null; runId: string | null; sessionId: string }) {
  return outcome.results.map((r) => ({
    id: r.memoryId,
    memory: r.text,
    data: { memory: r.text },
    event: r.event,
    user_id: ids.userId,
    agent_id: ids.agentId,
    run_id: ids.runId,
    // ours: why (duplicate of…, supersedes…, forget command) and the session it came from
    reason: r.reason ?? null,
    session_id: ids.sessionId,
  }));
}

/**
 * Our history as Mem0's: SUPERSEDE (a newer fact invalidated this one) is Mem0's UPDATE and
 * RESTORE (a forget command undone) its ADD; ours stays in `frontier_event`. A deleted memory's
 * texts are withheld (`redacted`).
 */
const MEM0_EVENT: Record<string, string> = { SUPERSEDE: 'UPDATE', RESTORE: 'ADD' };

export function mem0History(e: HistoryEntry, userId: string) {
  return {
    id: e.id,
    memory_id: e.memoryId,
    input: [],
    old_memory: e.previousText,
    new_memory: e.newText,
    user_id: userId,
    categories: [],
    event: MEM0_EVENT[e.event] ?? e.event,
    created_at: e.at,
    updated_at: e.at,
    frontier_event: e.event,
    reason: e.reason,
    actor: e.actor,
    redacted: e.redacted,
  };
}
