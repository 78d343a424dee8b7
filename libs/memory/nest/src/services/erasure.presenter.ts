import type { ErasureRecord } from '@frontier/memory-data-access';
import type { ErasureTicket } from './erasure-request';

/** What a DELETE answers (202). */
export function presentTicket(t: ErasureTicket) {
  return { erasure_id: t.id, kind: t.kind, status: t.status, requested_at: t.requestedAt, deleted: t.memories };
}

/** `GET /v1/erasures/:id`: status and, once completed, the report (what, where, when). */
export function presentErasure(e: ErasureRecord) {
  return {
    id: e.id,
    kind: e.kind,
    status: e.status,
    requested_at: e.requestedAt,
    completed_at: e.completedAt,
    attempts: e.attempts,
    last_error: e.lastError,
    report: e.report,
  };
}
