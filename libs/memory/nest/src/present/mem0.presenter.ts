import { createHash } from 'node:crypto';
import type { ScoreBreakdown } from '@frontier/memory-domain';
import { clientUserId, runOf, type HistoryEntry, type MemoryAttributes } from '@frontier/memory-data-access';
import type { ExtractionOutcome } from '../services/extraction.service';
import type { MemoryView } from '../services/memory.service';
import { presentBreakdown } from './memory.presenter';

/**
 * A memory in Mem0's shape (`id`, `memory`, `user_id`, `agent_id`, `app_id`, `run_id`, `hash`,
 * `metadata`, `categories`, `created_at`, `updated_at` …), plus ours as extra fields the client
 * passes through (bi-temporal times, provenance, confidence). `created_at` is when we stored it
 * and `updated_at` its last change; when the fact was stated (Mem0's `timestamp`) is `valid_at`.
 * `categories` is our type, then the custom categories matched. `user_id` is null for a memory
 * of an agent, app or run added without a user.
 */
export function mem0Memory({ memory: m, session }: MemoryView, attrs?: MemoryAttributes) {
  return {
    id: m.id,
    memory: m.text,
    user_id: clientUserId(m.userId),
    agent_id: session?.agentId ?? null,
    app_id: attrs?.appId ?? null,
    run_id: session ? runOf(session.externalId) : null,
    hash: createHash('md5').update(m.text).digest('hex'),
    metadata: attrs?.metadata ?? null,
    categories: [m.type, ...(attrs?.categories ?? []).filter((c) => c !== m.type)],
    created_at: m.createdAt,
    updated_at: attrs?.updatedAt ?? m.createdAt,
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

export type Mem0Memory = ReturnType<typeof mem0Memory>;

export function mem0Scored(v: MemoryView, b: ScoreBreakdown, attrs?: MemoryAttributes) {
  return { ...mem0Memory(v, attrs), score: b.score, score_breakdown: presentBreakdown(b) };
}

/** The fields a caller asked for (`fields`), in its order; null keeps everything. */
export function project<T extends Record<string, unknown>>(item: T, fields: readonly string[] | null | undefined): Partial<T> {
  if (!fields?.length) return item;
  return Object.fromEntries(fields.filter((f) => f in item).map((f) => [f, item[f]])) as Partial<T>;
}

/** Our extraction results as Mem0's add results: `event` is ADD / UPDATE / DELETE / NONE. */
export function mem0AddResults(outcome: ExtractionOutcome, ids: { userId: string | null; agentId: string | null; appId?: string | null; runId: string | null; sessionId: string }) {
  return outcome.results.map((r) => ({
    id: r.memoryId,
    memory: r.text,
    data: { memory: r.text },
    event: r.event,
    user_id: ids.userId,
    agent_id: ids.agentId,
    app_id: ids.appId ?? null,
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

export function mem0History(e: HistoryEntry, userId: string | null) {
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
