import type { Prisma, PrismaClient } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import { ExportReader } from './erasure-export';
import type { SyncChange, SyncLog } from './sync.repository';

/** What an erasure removes: one memory, a session's memories, a session with its transcript, a whole user; eviction at the cap. */
export type ErasureKind = 'memory' | 'session-memories' | 'session' | 'user' | 'eviction';

/** What the request selects (resolved to row ids inside the soft-delete transaction). */
export type ErasureSelection =
  | { kind: 'memory' | 'eviction'; memoryIds: string[] }
  | { kind: 'session-memories' | 'session'; sessionRowId: string }
  | { kind: 'user' };

export interface ErasureRecord {
  id: string;
  tenantId: string;
  userKey: string;
  /** Null once completed (the record keeps no user id). */
  userId: string | null;
  kind: ErasureKind;
  status: 'pending' | 'completed';
  memoryIds: string[];
  sessionIds: string[];
  attempts: number;
  lastError: string | null;
  report: unknown;
  requestedAt: Date;
  completedAt: Date | null;
}

/** Rows the Postgres step removed or rewrote, per table. */
export interface PostgresErasureCounts {
  memories: number;
  /** The erased memories' own events (deleted with them). */
  events: number;
  /** Other memories' events whose texts or reasons named an erased memory (texts nulled, reasons rewritten). */
  eventsScrubbed: number;
  /** Older facts whose `superseded_by` pointed at an erased memory (cleared; they stay invalidated). */
  supersessionsCleared: number;
  /** Transcript turns an erased memory was derived from, redacted (single-memory and session-memories erasures). */
  turnsRedacted: number;
  sessions: number;
  /** Transcript turns deleted with their sessions. */
  turns: number;
  biographies: number;
  tombstonesWritten: number;
  /** Tombstones of a user erased whole (a returning user id starts afresh). */
  tombstonesDropped: number;
}

/**
 * Opens one user's stored texts (encryption at rest: sealed values opened, plaintext as it is).
 * Structural, so that the erasure works with or without the cipher.
 */
export interface TextOpeners {
  opener(scope: MemoryScope, values: Iterable<string | Uint8Array | null | undefined>): Promise<{ maybe(column: string, stored: string | null | undefined): string | null }>;
}

/** No encryption: stored texts are the texts. */
const PLAINTEXT: TextOpeners = { opener: async () => ({ maybe: (_c, s) => s ?? null }) };

/** A redacted transcript turn's text. */
export const ERASED_TURN_TEXT = '[erased]';

type Row = Prisma.MemoryErasureGetPayload<object>;
type Tx = Prisma.TransactionClient;

/** Redacts the transcript turns the memories were derived from (not those of sessions deleted whole); returns how many changed. */
async function redactSources(tx: Tx, user: { tenantId: string; userId: string }, memoryIds: string[], skipSessions: string[]): Promise<number> {
  if (!memoryIds.length) return 0;
  const rows = await tx.memory.findMany({ where: { ...user, id: { in: memoryIds } }, select: { sessionId: true, turnIds: true } });
  let n = 0;
  for (const r of rows) {
    if (!r.sessionId || !r.turnIds.length || skipSessions.includes(r.sessionId)) continue;
    n += (await tx.memoryTurn.updateMany({ where: { sessionId: r.sessionId, turnId: { in: r.turnIds }, NOT: { text: ERASED_TURN_TEXT } }, data: { text: ERASED_TURN_TEXT } })).count;
  }
  return n;
}
const record = (r: Row): ErasureRecord => ({
  id: r.id,
  tenantId: r.tenantId,
  userKey: r.userKey,
  userId: r.userId,
  kind: r.kind as ErasureKind,
  status: r.status === 'completed' ? 'completed' : 'pending',
  memoryIds: r.memoryIds,
  sessionIds: r.sessionIds,
  attempts: r.attempts,
  lastError: r.lastError,
  report: r.report,
  requestedAt: r.requestedAt,
  completedAt: r.completedAt,
});

/** The `memory_erasures` and `memory_tombstones` tables, and the erasure's own writes to memory's tables. */
export class ErasureRepository {
  /** What an export reads, a page at a time. */
  readonly exports: ExportReader;

  /** Cross-device sync (Helper S): the soft delete is logged as `delete` changes in its own transaction; set by the memory context. */
  sync: SyncLog | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly cipher: TextOpeners = PLAINTEXT,
  ) {
    this.exports = new ExportReader(prisma, cipher);
  }

  /**
   * The soft delete and the erasure record in one transaction: from commit on, nothing selected is
   * served (memories `deleted_at`, sessions `deleted_at`), and the hard delete knows every row id.
   * Returns the record and the memories that were live-or-inactive until now.
   */
  async request(scope: MemoryScope, userKey: string, sel: ErasureSelection, at: Date, actor: string): Promise<{ erasure: ErasureRecord; softDeleted: string[] }> {
    let changes: SyncChange[] = [];
    const out = await this.prisma.$transaction(async (tx) => {
      const user = { tenantId: scope.tenantId, userId: scope.userId };
      let memoryIds: string[];
      let sessionIds: string[] = [];
      if (sel.kind === 'memory' || sel.kind === 'eviction') {
        memoryIds = sel.memoryIds;
      } else if (sel.kind === 'user') {
        memoryIds = (await tx.memory.findMany({ where: user, select: { id: true } })).map((r) => r.id);
        sessionIds = (await tx.memorySession.findMany({ where: user, select: { id: true } })).map((r) => r.id);
      } else if ('sessionRowId' in sel) {
        memoryIds = (await tx.memory.findMany({ where: { ...user, sessionId: sel.sessionRowId }, select: { id: true } })).map((r) => r.id);
        if (sel.kind === 'session') sessionIds = [sel.sessionRowId];
      } else memoryIds = [];
      const undeleted = (await tx.memory.findMany({ where: { ...user, id: { in: memoryIds }, deletedAt: null }, select: { id: true } })).map((r) => r.id);
      if (undeleted.length) {
        await tx.memory.updateMany({ where: { id: { in: undeleted } }, data: { deletedAt: at } });
        // the reason names no id and no text: the event is deleted with its memory anyway
        await tx.memoryEvent.createMany({ data: undeleted.map((memoryId) => ({ memoryId, tenantId: scope.tenantId, userId: scope.userId, event: 'DELETE', reason: `erased (${sel.kind})`, actor, at })) });
        if (this.sync) changes = await this.sync.record(tx, scope, undeleted.map((memoryId) => ({ memoryId, op: 'delete' as const })));
      }
      if (sessionIds.length) await tx.memorySession.updateMany({ where: { id: { in: sessionIds }, deletedAt: null }, data: { deletedAt: at } });
      // the transcript turns an erased fact came from say it too: redacted now (exports serve transcripts)
      if (sel.kind === 'memory' || sel.kind === 'session-memories') await redactSources(tx, user, memoryIds, []);
      const row = await tx.memoryErasure.create({ data: { tenantId: scope.tenantId, userKey, userId: scope.userId, kind: sel.kind, memoryIds, sessionIds, requestedAt: at } });
      return { erasure: record(row), softDeleted: undeleted };
    }, { timeout: 120_000 }); // a whole user of thousands of facts is one transaction
    this.sync?.committed(scope, changes);
    return out;
  }

  async get(id: string): Promise<ErasureRecord | null> {
    const r = await this.prisma.memoryErasure.findUnique({ where: { id } });
    return r ? record(r) : null;
  }

  /** An erasure of the user (by the keyed hash of the user id) within the tenant. */
  async find(tenantId: string, userKey: string, id: string): Promise<ErasureRecord | null> {
    const r = await this.prisma.memoryErasure.findFirst({ where: { id, tenantId, userKey } });
    return r ? record(r) : null;
  }

  /** Texts and sources of the memories an erasure removes (read before they go: tombstones, scrubbing). */
  async targets(e: ErasureRecord): Promise<Array<{ id: string; text: string; sessionId: string | null; turnIds: string[] }>> {
    if (!e.userId) return [];
    const rows = await this.prisma.memory.findMany({
      where: { tenantId: e.tenantId, userId: e.userId, OR: [{ id: { in: e.memoryIds } }, { sessionId: { in: e.sessionIds } }] },
      select: { id: true, text: true, sessionId: true, turnIds: true },
    });
    const o = await this.cipher.opener({ tenantId: e.tenantId, userId: e.userId }, rows.map((r) => r.text));
    return rows.map((r) => ({ ...r, text: o.maybe('memories.text', r.text) ?? '' }));
  }

  /**
   * The Postgres step of the hard delete, in one transaction: the memories (their events go with
   * them), every other event's copy of their texts or ids, the transcript turns they came from
   * (`redactTurns`), the sessions with their transcripts, the biography of a user erased whole, and
   * the tombstones written. Idempotent: a second run finds nothing left and counts zeros.
   */
  async hardDelete(e: ErasureRecord, o: { redactTurns: boolean; tombstones: string[]; wholeUser: boolean }): Promise<PostgresErasureCounts> {
    const userId = e.userId;
    const zero: PostgresErasureCounts = { memories: 0, events: 0, eventsScrubbed: 0, supersessionsCleared: 0, turnsRedacted: 0, sessions: 0, turns: 0, biographies: 0, tombstonesWritten: 0, tombstonesDropped: 0 };
    if (!userId) return zero;
    let syncChanges: SyncChange[] = [];
    const wholeUser = o.wholeUser;
    const counts = await this.prisma.$transaction(
      async (tx) => {
        const user = { tenantId: e.tenantId, userId };
        const rows = await tx.memory.findMany({ where: { ...user, OR: [{ id: { in: e.memoryIds } }, { sessionId: { in: e.sessionIds } }] }, select: { id: true, text: true, sessionId: true, turnIds: true } });
        const ids = rows.map((r) => r.id);
        const ro = await this.cipher.opener(user, rows.map((r) => r.text));
        const texts = [...new Set(rows.map((r) => ro.maybe('memories.text', r.text) ?? ''))].filter((t) => t.length > 0);
        const c = { ...zero };
        if (o.redactTurns) c.turnsRedacted = await redactSources(tx, user, rows.map((r) => r.id), e.sessionIds);
        if (ids.length) {
          // other memories' events that copy an erased text or name an erased id (a SUPERSEDE's new
          // text and "superseded by <id>"): opened here (texts may be sealed) and rewritten by id
          const others = await tx.memoryEvent.findMany({
            where: { ...user, memoryId: { notIn: ids }, OR: [{ newText: { not: null } }, { previousText: { not: null } }, { reason: { not: null } }] },
            select: { id: true, newText: true, previousText: true, reason: true },
          });
          const o = await this.cipher.opener(user, others.flatMap((x) => [x.newText, x.previousText, x.reason]));
          const erasedTexts = new Set(texts);
          for (const ev of others) {
            const newText = o.maybe('memory_events.new_text', ev.newText);
            const previousText = o.maybe('memory_events.previous_text', ev.previousText);
            const reason = o.maybe('memory_events.reason', ev.reason);
            const data = {
              ...(newText !== null && erasedTexts.has(newText) ? { newText: null } : {}),
              ...(previousText !== null && erasedTexts.has(previousText) ? { previousText: null } : {}),
              ...(reason !== null && (ids.some((id) => reason.includes(id)) || texts.some((t) => t && reason.includes(t))) ? { reason: 'refers to an erased memory' } : {}),
            };
            if (Object.keys(data).length) {
              await tx.memoryEvent.update({ where: { id: ev.id }, data });
              c.eventsScrubbed++;
            }
          }
          const cleared = this.sync && !wholeUser ? (await tx.memory.findMany({ where: { ...user, supersededById: { in: ids } }, select: { id: true } })).map((r) => r.id) : [];
          c.supersessionsCleared = (await tx.memory.updateMany({ where: { ...user, supersededById: { in: ids } }, data: { supersededById: null } })).count;
          // devices hold those facts' superseded_by (an erased id): an update each tells them (Helper S's sync)
          if (this.sync && cleared.length) syncChanges = await this.sync.record(tx, user, cleared.map((memoryId) => ({ memoryId, op: 'update' as const })));
          c.events = await tx.memoryEvent.count({ where: { memoryId: { in: ids } } });
          c.memories = (await tx.memory.deleteMany({ where: { id: { in: ids } } })).count;
        }
        if (e.sessionIds.length) {
          c.turns = await tx.memoryTurn.count({ where: { sessionId: { in: e.sessionIds } } });
          c.sessions = (await tx.memorySession.deleteMany({ where: { ...user, id: { in: e.sessionIds } } })).count;
        }
        if (o.wholeUser) {
          c.biographies = (await tx.biography.deleteMany({ where: user })).count;
          c.tombstonesDropped = (await tx.memoryTombstone.deleteMany({ where: { tenantId: e.tenantId, userKey: e.userKey } })).count;
        }
        if (o.tombstones.length) {
          c.tombstonesWritten = (await tx.memoryTombstone.createMany({ data: o.tombstones.map((factKey) => ({ tenantId: e.tenantId, userKey: e.userKey, factKey })), skipDuplicates: true })).count;
        }
        return c;
      },
      { timeout: 60_000 },
    );
    this.sync?.committed({ tenantId: e.tenantId, userId }, syncChanges);
    return counts;
  }

  /** Done: the report is kept, every id (memories, sessions, the user's) is dropped from the record. */
  async complete(id: string, report: object, at: Date): Promise<ErasureRecord> {
    return record(await this.prisma.memoryErasure.update({ where: { id }, data: { status: 'completed', report: report as Prisma.InputJsonValue, completedAt: at, userId: null, memoryIds: [], sessionIds: [], lastError: null } }));
  }

  /** A hard-delete run failed (an outage): counted, the reason kept (an error message, never a fact). */
  async failed(id: string, reason: string): Promise<void> {
    await this.prisma.memoryErasure.updateMany({ where: { id, status: 'pending' }, data: { attempts: { increment: 1 }, lastError: reason.slice(0, 500) } });
  }

  /** Erasures still pending and unchanged since `before`, oldest first. */
  async pending(before: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.memoryErasure.findMany({ where: { status: 'pending', updatedAt: { lt: before } }, orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }], take: limit, select: { id: true } });
    return rows.map((r) => r.id);
  }

  /**
   * Memories soft-deleted before `cutoff` by something other than an erasure (a forget command past
   * its restore grace period, a delete made before erasures existed) and covered by no pending
   * erasure, grouped by user: what the sweep hands to the hard-delete path.
   */
  async expiredSoftDeletes(cutoff: Date, limit: number): Promise<Array<{ tenantId: string; userId: string; ids: string[] }>> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string; tenant_id: string; user_id: string }>>`
      SELECT m.id::text AS id, m.tenant_id::text AS tenant_id, m.user_id FROM memories m
      WHERE m.deleted_at IS NOT NULL AND m.deleted_at < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM memory_erasures e WHERE e.status = 'pending' AND e.tenant_id = m.tenant_id
                        AND (m.id::text = ANY(e.memory_ids) OR m.session_id::text = ANY(e.session_ids)))
      ORDER BY m.deleted_at LIMIT ${limit}`;
    const byUser = new Map<string, { tenantId: string; userId: string; ids: string[] }>();
    for (const r of rows) {
      const k = `${r.tenant_id}\u0000${r.user_id}`;
      const g = byUser.get(k) ?? { tenantId: r.tenant_id, userId: r.user_id, ids: [] };
      g.ids.push(r.id);
      byUser.set(k, g);
    }
    return [...byUser.values()];
  }

  /** Touched when its job is queued again (the "unchanged for a while" clock restarts). */
  async touch(id: string): Promise<void> {
    await this.prisma.memoryErasure.updateMany({ where: { id, status: 'pending' }, data: { updatedAt: new Date() } });
  }

  /** When each of these facts was erased for the user (absent: never). */
  async tombstones(tenantId: string, userKey: string, factKeys: string[]): Promise<Map<string, Date>> {
    if (!factKeys.length) return new Map();
    const rows = await this.prisma.memoryTombstone.findMany({ where: { tenantId, userKey, factKey: { in: factKeys } } });
    return new Map(rows.map((r) => [r.factKey, r.createdAt]));
  }

  /** The user stated these facts again: they may be remembered once more. */
  async dropTombstones(tenantId: string, userKey: string, factKeys: string[]): Promise<void> {
    if (factKeys.length) await this.prisma.memoryTombstone.deleteMany({ where: { tenantId, userKey, factKey: { in: factKeys } } });
  }

  /** Users of the tenant with undeleted memories (Mem0's `users()`), most memories first. */
  async users(tenantId: string, page: number, pageSize: number): Promise<{ total: number; items: Array<{ userId: string; memories: number; first: Date; last: Date }> }> {
    const groups = await this.prisma.memory.groupBy({ by: ['userId'], where: { tenantId, deletedAt: null }, _count: { _all: true }, _min: { createdAt: true }, _max: { updatedAt: true }, orderBy: { userId: 'asc' } });
    const items = groups.map((g) => ({ userId: g.userId, memories: g._count._all, first: g._min.createdAt ?? new Date(0), last: g._max.updatedAt ?? new Date(0) }));
    return { total: items.length, items: items.slice((page - 1) * pageSize, page * pageSize) };
  }
}
