import type { MemorySession as SessionRow, PrismaClient } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import type { Turn } from '@frontier/memory-domain';
import { toTurn } from './mappers';

export type SessionState = 'received' | 'processing' | 'processed' | 'skipped';

export interface SessionRecord {
  id: string;
  externalId: string;
  agentId: string | null;
  status: string;
  reason: string | null;
  sourceHash: string;
  startedAt: Date;
  processedAt: Date | null;
  tokenCount: number;
}

export interface NewSession {
  externalId: string;
  agentId: string | null;
  sourceHash: string;
  startedAt: Date;
  turns: Array<{ turnId: string; role: string; text: string; speaker: string | null; at: Date | null; ordinal: number }>;
}

export interface SessionCounts {
  turns: number;
  /** Undeleted memories it produced. */
  memories: number;
}

const record = (r: SessionRow): SessionRecord => ({
  id: r.id,
  externalId: r.externalId,
  agentId: r.agentId,
  status: r.status,
  reason: r.reason,
  sourceHash: r.sourceHash,
  startedAt: r.startedAt,
  processedAt: r.processedAt,
  tokenCount: r.tokenCount,
});

/** The `memory_sessions` and `memory_turns` tables (transcripts). */
export class SessionRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findByExternalId(scope: MemoryScope, externalId: string): Promise<SessionRecord | null> {
    const r = await this.prisma.memorySession.findUnique({ where: { tenantId_userId_externalId: { tenantId: scope.tenantId, userId: scope.userId, externalId } } });
    return r ? record(r) : null;
  }

  /** Creates the session with its transcript; null when a concurrent identical post won the race. */
  async create(scope: MemoryScope, s: NewSession): Promise<SessionRecord | null> {
    try {
      const r = await this.prisma.memorySession.create({
        data: { tenantId: scope.tenantId, userId: scope.userId, agentId: s.agentId, externalId: s.externalId, sourceHash: s.sourceHash, startedAt: s.startedAt, turns: { create: s.turns } },
      });
      return record(r);
    } catch (e) {
      if ((e as { code?: string }).code === 'P2002') return null;
      throw e;
    }
  }

  /** A stored session of the user with its turns in order. */
  async withTurns(scope: MemoryScope, rowId: string): Promise<{ session: SessionRecord; turns: Turn[] } | null> {
    const r = await this.prisma.memorySession.findFirst({ where: { id: rowId, tenantId: scope.tenantId, userId: scope.userId }, include: { turns: { orderBy: { ordinal: 'asc' } } } });
    return r ? { session: record(r), turns: r.turns.map(toTurn) } : null;
  }

  async setState(rowId: string, state: SessionState, o: { reason?: string; tokenCount?: number; processedAt?: Date } = {}): Promise<void> {
    await this.prisma.memorySession.update({
      where: { id: rowId },
      data: { status: state, ...(o.reason !== undefined ? { reason: o.reason } : {}), ...(o.tokenCount !== undefined ? { tokenCount: o.tokenCount } : {}), ...(o.processedAt ? { processedAt: o.processedAt } : {}) },
    });
  }

  async counts(rowId: string): Promise<SessionCounts> {
    const r = await this.prisma.memorySession.findUniqueOrThrow({ where: { id: rowId }, select: { _count: { select: { turns: true, memories: { where: { deletedAt: null } } } } } });
    return { turns: r._count.turns, memories: r._count.memories };
  }

  /** Client session id and agent of the given session row ids. */
  async refs(rowIds: Array<string | null | undefined>): Promise<Map<string, { externalId: string; agentId: string | null }>> {
    const ids = [...new Set(rowIds.filter((x): x is string => !!x))];
    if (!ids.length) return new Map();
    const rows = await this.prisma.memorySession.findMany({ where: { id: { in: ids } }, select: { id: true, externalId: true, agentId: true } });
    return new Map(rows.map((r) => [r.id, { externalId: r.externalId, agentId: r.agentId }]));
  }
}
