import type { MemoryScope } from '@frontier/memory-contracts';

/** Prisma `where` for memories that may be retrieved now. */
export function liveWhere(scope: MemoryScope, now = new Date()) {
  return {
    tenantId: scope.tenantId,
    userId: scope.userId,
    deletedAt: null,
    supersededById: null,
    AND: [{ OR: [{ invalidAt: null }, { invalidAt: { gt: now } }] }, { OR: [{ expiredAt: null }, { expiredAt: { gt: now } }] }],
  };
}

/**
 * A run (mem0's `run_id`) groups sessions: the session whose id is the run id, and continuation
 * sessions `<run id>#<suffix>` (a run's later posts). `#<suffix>` alone is a session in no run.
 */
export const RUN_SEPARATOR = '#';

/** The run a session id belongs to (null when none). */
export function runOf(sessionExternalId: string): string | null {
  const i = sessionExternalId.indexOf(RUN_SEPARATOR);
  return i < 0 ? sessionExternalId : sessionExternalId.slice(0, i) || null;
}

/** Narrows one user's memories to those of an agent and/or a run (through their session). */
export interface EntityFilter {
  agentId?: string;
  runId?: string;
}

/** Prisma `where` fragment for an {@link EntityFilter} (empty when it narrows nothing). */
export function entityWhere(f: EntityFilter = {}) {
  if (f.agentId === undefined && f.runId === undefined) return {};
  return {
    session: {
      is: {
        ...(f.agentId !== undefined ? { agentId: f.agentId } : {}),
        ...(f.runId !== undefined ? { OR: [{ externalId: f.runId }, { externalId: { startsWith: `${f.runId}${RUN_SEPARATOR}` } }] } : {}),
      },
    },
  };
}

/** Facts valid from `since` / until `until` (their `validAt`). */
export interface ValidRange {
  since?: Date | undefined;
  until?: Date | undefined;
}

/** Prisma `where` fragment for a {@link ValidRange}. */
export function validRange(i: ValidRange) {
  return i.since || i.until ? { validAt: { ...(i.since ? { gte: i.since } : {}), ...(i.until ? { lte: i.until } : {}) } } : {};
}
