import type { PrismaClient } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import type { Memory } from '@frontier/memory-domain';
import { redactEvent, type HistoryEntry } from './history';
import type { TextOpeners } from './erasure.repository';
import { toDomain } from './mappers';

/** One memory of an export, with its whole history and its session's client id. */
export interface ExportedMemory {
  memory: Memory;
  sessionExternalId: string | null;
  history: HistoryEntry[];
}

export interface ExportedSession {
  id: string;
  externalId: string;
  agentId: string | null;
  status: string;
  startedAt: Date;
  processedAt: Date | null;
  turns: Array<{ turnId: string; role: string; speaker: string | null; text: string; at: Date | null }>;
}

/**
 * What a user's export reads (`GET /v1/export`, the Mem0 export's memories): pages by keyset on the
 * row id, so a large user is streamed a page at a time and never held whole. Soft-deleted memories
 * and sessions (an erasure pending) are never read.
 */
export class ExportReader {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cipher: TextOpeners,
  ) {}

  /** Undeleted memories (live, superseded, invalidated) after `afterId`, with their events. */
  async memories(scope: MemoryScope, afterId: string | null, limit: number): Promise<ExportedMemory[]> {
    const rows = await this.prisma.memory.findMany({
      where: { tenantId: scope.tenantId, userId: scope.userId, deletedAt: null, ...(afterId ? { id: { gt: afterId } } : {}) },
      orderBy: { id: 'asc' },
      take: limit,
      include: { session: { select: { externalId: true } }, events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } },
    });
    const superseders = [...new Set(rows.flatMap((r) => (r.supersededById ? [r.supersededById] : [])))];
    const deletedSuperseders = new Set(
      superseders.length ? (await this.prisma.memory.findMany({ where: { id: { in: superseders }, deletedAt: { not: null } }, select: { id: true } })).map((r) => r.id) : [],
    );
    const o = await this.cipher.opener(scope, rows.flatMap((r) => [r.text, ...r.events.flatMap((e) => [e.previousText, e.newText, e.reason])]));
    return rows.map((r) => ({
      memory: toDomain({ ...r, text: o.maybe('memories.text', r.text) ?? '' }),
      sessionExternalId: r.session?.externalId ?? null,
      history: r.events.map((e) =>
        redactEvent(
          { id: e.id, memoryId: e.memoryId, event: e.event, previousText: o.maybe('memory_events.previous_text', e.previousText), newText: o.maybe('memory_events.new_text', e.newText), reason: o.maybe('memory_events.reason', e.reason), actor: e.actor, at: e.at },
          { self: false, superseder: r.supersededById !== null && deletedSuperseders.has(r.supersededById) },
        ),
      ),
    }));
  }

  /** Undeleted sessions after `afterId`, with their transcripts in order. */
  async sessions(scope: MemoryScope, afterId: string | null, limit: number): Promise<ExportedSession[]> {
    const rows = await this.prisma.memorySession.findMany({
      where: { tenantId: scope.tenantId, userId: scope.userId, deletedAt: null, ...(afterId ? { id: { gt: afterId } } : {}) },
      orderBy: { id: 'asc' },
      take: limit,
      include: { turns: { orderBy: { ordinal: 'asc' } } },
    });
    const o = await this.cipher.opener(scope, rows.flatMap((s) => s.turns.map((t) => t.text)));
    return rows.map((s) => ({
      id: s.id,
      externalId: s.externalId,
      agentId: s.agentId,
      status: s.status,
      startedAt: s.startedAt,
      processedAt: s.processedAt,
      turns: s.turns.map((t) => ({ turnId: t.turnId, role: t.role, speaker: t.speaker, text: o.maybe('memory_turns.text', t.text) ?? '', at: t.at })),
    }));
  }
}
