import { BadRequestError, ConflictError, NotFoundError } from './errors';
import type { MemoryDeps } from './deps';
import { transcriptHash, type MemoryScope } from './records';

export interface TurnInput {
  /** Client's turn id (defaults to `t<index>`), cited by memories' provenance. */
  id?: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  speaker?: string;
  at?: Date;
}

export interface SessionInput {
  /** Client's session id (mem0 run_id); posting the same id again is idempotent. */
  sessionId: string;
  agentId?: string;
  startedAt?: Date;
  turns: TurnInput[];
}

export interface StoredSession {
  id: string;
  externalId: string;
  status: string;
  created: boolean;
  sourceHash: string;
}

/**
 * Stores a session and its transcript once. The same session id with the same transcript is a
 * no-op (returns the stored one); with a different transcript it is refused (409 upstream), so a
 * retried request never duplicates and a changed one never silently rewrites history.
 */
export async function storeSession(deps: MemoryDeps, scope: MemoryScope, input: SessionInput): Promise<StoredSession> {
  if (!input.turns.length) throw new BadRequestError('turns', 'turns must contain at least one turn');
  const turns = input.turns.map((t, i) => ({ turnId: t.id ?? `t${i}`, role: t.role, text: t.content, speaker: t.speaker ?? null, at: t.at ?? null, ordinal: i }));
  const ids = new Set<string>();
  for (const [i, t] of turns.entries()) {
    if (!t.text.trim()) throw new BadRequestError(`turns[${i}].content`, `turns[${i}].content must not be empty`);
    if (ids.has(t.turnId)) throw new BadRequestError(`turns[${i}].id`, `turns[${i}].id "${t.turnId}" is repeated`);
    ids.add(t.turnId);
  }
  const sourceHash = transcriptHash(turns);
  const existing = await deps.prisma.memorySession.findUnique({
    where: { tenantId_userId_externalId: { tenantId: scope.tenantId, userId: scope.userId, externalId: input.sessionId } },
  });
  if (existing) {
    if (existing.sourceHash !== sourceHash) throw new ConflictError('sessionId', `session ${input.sessionId} was already stored with a different transcript`);
    return { id: existing.id, externalId: existing.externalId, status: existing.status, created: false, sourceHash };
  }
  const startedAt = input.startedAt ?? turns.find((t) => t.at)?.at ?? new Date();
  try {
    const row = await deps.prisma.memorySession.create({
      data: {
        tenantId: scope.tenantId,
        userId: scope.userId,
        agentId: input.agentId ?? null,
        externalId: input.sessionId,
        sourceHash,
        startedAt,
        turns: { create: turns },
      },
    });
    return { id: row.id, externalId: row.externalId, status: row.status, created: true, sourceHash };
  } catch (e) {
    // a concurrent identical post won the race
    if ((e as { code?: string }).code === 'P2002') return storeSession(deps, scope, input);
    throw e;
  }
}

export interface SessionStatus {
  sessionId: string;
  status: string;
  reason: string | null;
  tokenCount: number;
  turns: number;
  memories: number;
  startedAt: Date;
  processedAt: Date | null;
}

/** Where a stored session is in the pipeline (received → processing → processed | skipped). */
export async function getSessionStatus(deps: MemoryDeps, scope: MemoryScope, externalId: string): Promise<SessionStatus> {
  const s = await deps.prisma.memorySession.findUnique({
    where: { tenantId_userId_externalId: { tenantId: scope.tenantId, userId: scope.userId, externalId } },
    include: { _count: { select: { turns: true, memories: { where: { deletedAt: null } } } } },
  });
  if (!s) throw new NotFoundError('sessionId', `session ${externalId} not found`);
  return {
    sessionId: s.externalId,
    status: s.status,
    reason: s.reason,
    tokenCount: s.tokenCount,
    turns: s._count.turns,
    memories: s._count.memories,
    startedAt: s.startedAt,
    processedAt: s.processedAt,
  };
}
