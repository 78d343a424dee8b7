import type { MemorySession as SessionRow, PrismaClient } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import type { Turn } from '@frontier/memory-domain';
import { MemoryCipher } from './cipher';
import { toTurn } from './mappers';

export type SessionState = 'received' | 'processing' | 'processed' | 'skipped' | 'failed';

/**
 * How a session is extracted, recorded with it so that whoever runs it (the request, the worker,
 * the reconciler) does the same: `auto` (length gate, the configured extractor), `explicit`
 * (Mem0's add: no length gate), `verbatim` (Mem0's add with `infer: false`: each user message).
 */
export type ExtractMode = 'auto' | 'explicit' | 'verbatim';

/** A session the reconciler looks at: still received or processing, unchanged for a while. */
export interface UnprocessedSession {
  id: string;
  scope: MemoryScope;
  status: string;
  requeues: number;
  updatedAt: Date;
}

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
  extractMode: ExtractMode;
  /** Set while an erasure of the session is pending (the hard delete removes the row): never served. */
  deletedAt: Date | null;
}

export interface NewSession {
  externalId: string;
  agentId: string | null;
  /** Mem0's `app_id`, `metadata` (copied onto the memories it produces) and custom categories. */
  appId?: string | null;
  metadata?: Record<string, unknown> | null;
  customCategories?: Array<Record<string, string>> | null;
  /** Mem0's `expiration_date`: the invalid_at of every memory it produces. */
  expiresAt?: Date | null;
  sourceHash: string;
  startedAt: Date;
  /** Default `auto`. */
  extractMode?: ExtractMode;
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
  extractMode: r.extractMode as ExtractMode,
  deletedAt: r.deletedAt,
});

const UNPROCESSED = ['received', 'processing'];

/** The `memory_sessions` and `memory_turns` tables (transcripts, each turn's text sealed with the user's data key). */
export class SessionRepository {
  constructor(
    private readonly prisma: PrismaClient,
    /** Encryption at rest. Default: from the environment; share one per process. */
    readonly cipher: MemoryCipher = MemoryCipher.fromEnv(prisma),
  ) {}

  async findByExternalId(scope: MemoryScope, externalId: string): Promise<SessionRecord | null> {
    const r = await this.prisma.memorySession.findUnique({ where: { tenantId_userId_externalId: { tenantId: scope.tenantId, userId: scope.userId, externalId } } });
    return r ? record(r) : null;
  }

  /** Creates the session with its transcript; null when a concurrent identical post won the race. */
  async create(scope: MemoryScope, s: NewSession): Promise<SessionRecord | null> {
    const seal = await this.cipher.sealer(scope);
    try {
      const r = await this.prisma.memorySession.create({
        data: {
          tenantId: scope.tenantId,
          userId: scope.userId,
          agentId: s.agentId,
          ...(s.appId ? { appId: s.appId } : {}),
          ...(s.metadata ? { metadata: s.metadata as object } : {}),
          ...(s.customCategories ? { customCategories: s.customCategories } : {}),
          ...(s.expiresAt ? { expiresAt: s.expiresAt } : {}),
          externalId: s.externalId,
          sourceHash: s.sourceHash,
          startedAt: s.startedAt,
          ...(s.extractMode ? { extractMode: s.extractMode } : {}),
          turns: { create: s.turns.map((t) => ({ ...t, text: seal.text('memory_turns.text', t.text) })) },
        },
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
    if (!r) return null;
    const o = await this.cipher.opener(scope, r.turns.map((t) => t.text));
    return { session: record(r), turns: r.turns.map((t) => toTurn({ ...t, text: o.text('memory_turns.text', t.text) })) };
  }

  async setState(rowId: string, state: SessionState, o: { reason?: string; tokenCount?: number; processedAt?: Date } = {}): Promise<void> {
    await this.prisma.memorySession.update({
      where: { id: rowId },
      data: { status: state, ...(o.reason !== undefined ? { reason: o.reason } : {}), ...(o.tokenCount !== undefined ? { tokenCount: o.tokenCount } : {}), ...(o.processedAt ? { processedAt: o.processedAt } : {}) },
    });
  }

  /**
   * Sessions of every tenant still received or processing and unchanged since `before`, oldest
   * change first, `limit` at a time after `after` (keyset: the reconciler pages through them).
   */
  async unprocessed(before: Date, limit: number, after?: { updatedAt: Date; id: string }): Promise<UnprocessedSession[]> {
    const rows = await this.prisma.memorySession.findMany({
      where: {
        status: { in: UNPROCESSED },
        deletedAt: null,
        updatedAt: { lt: before },
        ...(after ? { OR: [{ updatedAt: { gt: after.updatedAt } }, { updatedAt: after.updatedAt, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
      take: limit,
      select: { id: true, tenantId: true, userId: true, status: true, requeues: true, updatedAt: true },
    });
    return rows.map((r) => ({ id: r.id, scope: { tenantId: r.tenantId, userId: r.userId }, status: r.status, requeues: r.requeues, updatedAt: r.updatedAt }));
  }

  /** Its extraction was queued again: one more re-queue, and the clock of "unchanged for a while" restarts. */
  async markRequeued(rowId: string): Promise<void> {
    await this.prisma.memorySession.update({ where: { id: rowId }, data: { requeues: { increment: 1 } } });
  }

  /** Gives up on a session still unprocessed (re-queued too often); false when it got processed meanwhile. */
  async markFailed(rowId: string, reason: string): Promise<boolean> {
    const r = await this.prisma.memorySession.updateMany({ where: { id: rowId, status: { in: UNPROCESSED } }, data: { status: 'failed', reason } });
    return r.count > 0;
  }

  /** A failed session posted again: received once more, its re-queues counted from zero. */
  async reopen(rowId: string): Promise<void> {
    await this.prisma.memorySession.updateMany({ where: { id: rowId, status: 'failed' }, data: { status: 'received', reason: null, requeues: 0 } });
  }

  async counts(rowId: string): Promise<SessionCounts> {
    const r = await this.prisma.memorySession.findUniqueOrThrow({ where: { id: rowId }, select: { _count: { select: { turns: true, memories: { where: { deletedAt: null } } } } } });
    return { turns: r._count.turns, memories: r._count.memories };
  }

  /** A session of the tenant by row id with its owner (Mem0's add events are known by id only). */
  async inTenant(tenantId: string, rowId: string): Promise<(SessionRecord & { userId: string; appId: string | null }) | null> {
    const r = await this.prisma.memorySession.findFirst({ where: { id: rowId, tenantId, deletedAt: null } });
    return r ? { ...record(r), userId: r.userId, appId: r.appId } : null;
  }

  /** Client session id and agent of the given session row ids. */
  async refs(rowIds: Array<string | null | undefined>): Promise<Map<string, { externalId: string; agentId: string | null }>> {
    const ids = [...new Set(rowIds.filter((x): x is string => !!x))];
    if (!ids.length) return new Map();
    const rows = await this.prisma.memorySession.findMany({ where: { id: { in: ids } }, select: { id: true, externalId: true, agentId: true } });
    return new Map(rows.map((r) => [r.id, { externalId: r.externalId, agentId: r.agentId }]));
  }
}
