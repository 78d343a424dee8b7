import type { Memory as MemoryRow, Prisma, PrismaClient } from '@frontier/platform-prisma';
import type { MemoryScope } from '@frontier/memory-contracts';
import type { Memory, MemoryType } from '@frontier/memory-domain';
import { entityWhere, liveWhere, validRange, type EntityFilter, type ValidRange } from './filters';
import { MemoryCipher, type Opener } from './cipher';
import { FORGET_COMMAND_ACTOR, redactEvent, type HistoryEntry } from './history';
import { toDomain } from './mappers';
import { indexTexts } from './episode-index';
import { UserLocks, type UserLockOptions } from './user-lock';
import { SyncLog, type SyncChange } from './sync.repository';
import { FilteredMemories } from './filtered-memories';
import { isCustomCategories, matchCategories } from './categories';

/** A memory as stored, with its vector (null when none or of another model). */
export interface StoredMemory {
  memory: Memory;
  vector: Float32Array | null;
}

export interface NewFact {
  text: string;
  type: MemoryType;
  confidence: number;
  slot: string | null;
  sessionRowId: string;
  sourceHash: string;
  turnIds: string[];
  extractor: string;
  embeddingModel: string;
  vector: Float32Array;
  /** Idempotency key of the candidate within its session (a re-run finds it). */
  candidateKey: string;
  validAt: Date;
}

export interface Supersession {
  id: string;
  invalidAt: Date;
  expiredAt: Date;
}

/** A restored memory and the episodes restored with it. */
export interface RestoredMemory extends StoredMemory {
  episodes: StoredMemory[];
}

/** A deleted memory as the restore rule needs it: the row, and who deleted it when. */
export interface Deletion {
  stored: StoredMemory;
  /** The latest DELETE event (null for a memory deleted before events were kept). */
  lastDelete: { actor: string; at: Date } | null;
}

export interface ListQuery extends EntityFilter, ValidRange {
  page: number;
  pageSize: number;
  type?: string;
  sessionRowId?: string;
  includeInactive?: boolean;
}

/** The record with its vector opened on first access (search reads candidates' texts, not their vectors). */
const stored = (o: Opener, row: MemoryRow): StoredMemory => {
  let vector: Float32Array | null | undefined;
  return {
    memory: toDomain({ ...row, text: o.text('memories.text', row.text) }),
    get vector() {
      if (vector === undefined) vector = o.vector(row.embedding);
      return vector;
    },
  };
};
const plain = (o: Opener, row: MemoryRow): Memory => toDomain({ ...row, text: o.text('memories.text', row.text) });

/** What {@link MemoryRepository.liveByIds} narrows by beside the ids. */
export interface LiveByIdsExtra {
  slot?: string;
  types?: string[];
  filter?: EntityFilter & ValidRange;
}

function liveByIdsWhere(scope: MemoryScope, at: Date, ids: string[], extra: LiveByIdsExtra) {
  return {
    ...liveWhere(scope, at),
    OR: [{ id: { in: ids } }, ...(extra.slot ? [{ slot: extra.slot }] : [])],
    ...(extra.types?.length ? { type: { in: extra.types } } : {}),
    ...entityWhere(extra.filter),
    ...validRange(extra.filter ?? {}),
  };
}

/** The `memories` and `memory_events` tables: Prisma in, domain records out. */
export class MemoryRepository {
  private readonly locks: UserLocks;
  private readonly sessionOwners = new Map<string, { tenantId: string; userId: string }>();
  /** Cross-device sync: every create, update, supersede, delete and restore is logged in its own transaction. */
  readonly sync: SyncLog;
  /** Mem0 filters across a tenant (metadata, categories, entities, times), run in Postgres. */
  readonly filtered: FilteredMemories;

  constructor(
    private readonly prisma: PrismaClient,
    lock: UserLockOptions = {},
    sync?: SyncLog,
    /** Encryption at rest (texts and vectors sealed with the user's data key). Default: from the environment; share one per process. */
    readonly cipher: MemoryCipher = MemoryCipher.fromEnv(prisma),
  ) {
    this.locks = new UserLocks(prisma, lock);
    this.sync = sync ?? new SyncLog(prisma);
    this.filtered = new FilteredMemories(prisma, this.cipher, this.sync);
  }

  /** What a memory inherits from its session (a Mem0 add's metadata, and its custom categories matched on the text). */
  private async inherited(sessionRowId: string, text: string): Promise<{ userMetadata?: object; categories?: string[]; invalidAt?: Date }> {
    const s = await this.prisma.memorySession.findUnique({ where: { id: sessionRowId }, select: { metadata: true, customCategories: true, expiresAt: true } });
    const categories = isCustomCategories(s?.customCategories) ? matchCategories(text, s.customCategories) : [];
    return { ...(s?.metadata && typeof s.metadata === 'object' ? { userMetadata: s.metadata } : {}), ...(categories.length ? { categories } : {}), ...(s?.expiresAt ? { invalidAt: s.expiresAt } : {}) };
  }

  private async storedOf(rows: MemoryRow[]): Promise<StoredMemory[]> {
    return this.cipher.openRows(rows, (r) => [r.text, r.embedding], stored);
  }

  private async memoriesOf(rows: MemoryRow[]): Promise<Memory[]> {
    return this.cipher.openRows(rows, (r) => [r.text], plain);
  }

  /**
   * Runs `section` while holding the user's lock (every process on this database, see
   * {@link UserLocks}): dedup-and-store sections of one user run one after another, so their
   * outcome is that of some sequential order.
   */
  async withUserLock<T>(scope: MemoryScope, section: () => Promise<T>): Promise<T> {
    return this.locks.run(scope, section);
  }

  /** Id of the user's most recently stored memory (whatever its state since), null when none. */
  async newestId(scope: MemoryScope): Promise<string | null> {
    const row = await this.prisma.memory.findFirst({ where: { tenantId: scope.tenantId, userId: scope.userId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], select: { id: true } });
    return row?.id ?? null;
  }

  /** Live memories of the user among `ids` (and filling `slot`, when given), with vectors. */
  async liveByIds(scope: MemoryScope, at: Date, ids: string[], extra: LiveByIdsExtra = {}): Promise<StoredMemory[]> {
    if (!ids.length && !extra.slot) return [];
    return this.storedOf(await this.prisma.memory.findMany({ where: liveByIdsWhere(scope, at, ids, extra) }));
  }

  /**
   * {@link liveByIds} without the vectors (search: the index holds them). Issue 14: the encrypted
   * vector is most of a row's bytes (2 KB as hex through pg); search fetches ~100 rows per request.
   */
  async liveMemoriesByIds(scope: MemoryScope, at: Date, ids: string[], extra: LiveByIdsExtra = {}): Promise<Memory[]> {
    if (!ids.length && !extra.slot) return [];
    const rows = await this.prisma.memory.findMany({ where: liveByIdsWhere(scope, at, ids, extra), omit: { embedding: true } });
    return this.memoriesOf(rows.map((r) => ({ ...r, embedding: null })));
  }

  /** Every live memory of the user without vectors (the search path's per-user cache, `LiveMemoryCache`). */
  async allLiveMemories(scope: MemoryScope, at: Date): Promise<Memory[]> {
    const rows = await this.prisma.memory.findMany({ where: liveWhere(scope, at), omit: { embedding: true } });
    return this.memoriesOf(rows.map((r) => ({ ...r, embedding: null })));
  }

  /** Retrieval counts of the user's live memories (a cache's copy of them ages; other processes count too). */
  async retrievalCounts(scope: MemoryScope, at: Date): Promise<Map<string, { retrievalCount: number; lastRetrievedAt: Date | null }>> {
    const rows = await this.prisma.memory.findMany({ where: liveWhere(scope, at), select: { id: true, retrievalCount: true, lastRetrievedAt: true } });
    return new Map(rows.map((r) => [r.id, { retrievalCount: r.retrievalCount, lastRetrievedAt: r.lastRetrievedAt }]));
  }

  /**
   * Episodes whose turn stated a fact that was just superseded stop being live with it (issue 14):
   * the row stays (what was said, when), search no longer serves the stale statement.
   */
  async invalidateEpisodes(scope: MemoryScope, ids: string[], at: Date): Promise<number> {
    if (!ids.length) return 0;
    let changes: SyncChange[] = [];
    const n = await this.prisma.$transaction(async (tx) => {
      const where = { tenantId: scope.tenantId, userId: scope.userId, id: { in: ids }, type: 'episode', invalidAt: null };
      const hit = await tx.memory.updateManyAndReturn({ where, data: { invalidAt: at }, select: { id: true } });
      // other devices (and other processes' search caches) hear of it: an update each, the episode no longer live
      changes = await this.sync.record(tx, scope, hit.map((r) => ({ memoryId: r.id, op: 'update' as const })));
      return hit.length;
    });
    this.sync.committed(scope, changes);
    return n;
  }


  /** Every live memory of the user, newest first. */
  async allLive(scope: MemoryScope, at: Date): Promise<Memory[]> {
    const rows = await this.prisma.memory.findMany({ where: liveWhere(scope, at), orderBy: [{ validAt: 'desc' }, { id: 'asc' }] });
    return this.memoriesOf(rows);
  }

  async countLive(scope: MemoryScope, at: Date): Promise<number> {
    return this.prisma.memory.count({ where: liveWhere(scope, at) });
  }

  /** Live memories embedded by `embeddingModel`: what an index for this user is rebuilt from. */
  async indexItems(scope: MemoryScope, embeddingModel: string, at = new Date()): Promise<Array<{ id: string; vector: Float32Array; text: string }>> {
    const rows = await this.prisma.memory.findMany({ where: { ...liveWhere(scope, at), embeddingModel }, select: { id: true, text: true, embedding: true, type: true, sessionId: true, turnIds: true } });
    const o = await this.cipher.opener(scope, rows.flatMap((r) => [r.text, r.embedding]));
    const opened = rows.map((r) => ({ ...r, text: o.text('memories.text', r.text) }));
    // episodes are indexed with their neighbouring turns (issue 14, episode-index.ts)
    const lexical = await indexTexts(this.prisma, opened);
    return opened.flatMap((r) => {
      const vector = o.vector(r.embedding);
      return vector ? [{ id: r.id, vector, text: lexical.get(r.id) ?? r.text }] : [];
    });
  }

  /** What a session stored (whatever its state since), with vectors. */
  async ofSession(sessionRowId: string): Promise<Array<{ id: string; text: string; vector: Float32Array | null; deleted: boolean }>> {
    const rows = await this.prisma.memory.findMany({ where: { sessionId: sessionRowId }, select: { id: true, tenantId: true, userId: true, text: true, embedding: true, deletedAt: true } });
    return this.cipher.openRows(rows, (r) => [r.text, r.embedding], (o, r) => ({ id: r.id, text: o.text('memories.text', r.text), vector: o.vector(r.embedding), deleted: r.deletedAt !== null }));
  }

  /** Ids of the user's undeleted memories, optionally of one session or narrowed to an agent/run. */
  async undeletedIds(scope: MemoryScope, o: { sessionRowId?: string; filter?: EntityFilter } = {}): Promise<string[]> {
    const rows = await this.prisma.memory.findMany({
      where: { tenantId: scope.tenantId, userId: scope.userId, deletedAt: null, ...(o.sessionRowId ? { sessionId: o.sessionRowId } : {}), ...entityWhere(o.filter) },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /**
   * The memory a candidate of this session already became (a re-run after a crash), if any. The key
   * is stored as a tag keyed with the user's data key ({@link Sealer.tag}): an unkeyed hash of a
   * short fact could be confirmed by guessing, from a dump, even after crypto-shredding.
   */
  async byCandidateKey(sessionRowId: string, candidateKey: string): Promise<StoredMemory | null> {
    const session = this.sessionOwners.get(sessionRowId) ?? (await this.prisma.memorySession.findUnique({ where: { id: sessionRowId }, select: { tenantId: true, userId: true } }));
    if (!session) return null;
    if (this.sessionOwners.size >= 1000) this.sessionOwners.clear();
    this.sessionOwners.set(sessionRowId, session); // a session's owner never changes: one lookup per session extracted
    const tags = await this.cipher.tags(session, 'candidate', candidateKey);
    const row = await this.prisma.memory.findFirst({ where: { sessionId: sessionRowId, OR: tags.map((t) => ({ metadata: { path: ['candidateKey'], equals: t } })) } });
    return row ? ((await this.storedOf([row]))[0] ?? null) : null;
  }

  async reinforce(id: string, confidence: number, scope?: MemoryScope): Promise<void> {
    if (!scope) {
      await this.prisma.memory.update({ where: { id }, data: { confidence } });
      return;
    }
    // a confidence that changes is a change devices see (sync: an update); an equal one writes nothing
    let changes: SyncChange[] = [];
    await this.prisma.$transaction(async (tx) => {
      const n = await tx.memory.updateMany({ where: { id, tenantId: scope.tenantId, userId: scope.userId, confidence: { not: confidence } }, data: { confidence } });
      if (n.count) changes = await this.sync.record(tx, scope, [{ memoryId: id, op: 'update' }]);
    });
    this.sync.committed(scope, changes);
  }

  /** Stores a fact with its ADD event; a superseded fact is invalidated (never deleted) in the same transaction. */
  async createFact(scope: MemoryScope, f: NewFact, supersede: Supersession | null): Promise<Memory> {
    let changes: SyncChange[] = [];
    const seal = await this.cipher.sealer(scope);
    const inherited = await this.inherited(f.sessionRowId, f.text);
    const row = await this.prisma.$transaction(async (tx) => {
      const created = await tx.memory.create({
        data: {
          ...inherited,
          tenantId: scope.tenantId,
          userId: scope.userId,
          text: seal.text('memories.text', f.text),
          type: f.type,
          confidence: f.confidence,
          slot: f.slot,
          sessionId: f.sessionRowId,
          sourceHash: f.sourceHash,
          turnIds: f.turnIds,
          extractor: f.extractor,
          embeddingModel: f.embeddingModel,
          embedding: seal.vector(f.vector),
          metadata: { candidateKey: seal.tag('candidate', f.candidateKey) },
          validAt: f.validAt,
          events: { create: [{ tenantId: scope.tenantId, userId: scope.userId, event: 'ADD', newText: seal.text('memory_events.new_text', f.text), actor: f.extractor }] },
        },
      });
      if (supersede) {
        const old = await tx.memory.update({
          where: { id: supersede.id },
          data: { invalidAt: supersede.invalidAt, expiredAt: supersede.expiredAt, supersededById: created.id },
        });
        const oldText = (await this.cipher.opener(scope, [old.text])).text('memories.text', old.text);
        await tx.memoryEvent.create({
          data: {
            memoryId: old.id,
            tenantId: scope.tenantId,
            userId: scope.userId,
            event: 'SUPERSEDE',
            previousText: seal.text('memory_events.previous_text', oldText),
            newText: seal.text('memory_events.new_text', f.text),
            reason: seal.text('memory_events.reason', `superseded by ${created.id}`),
            actor: f.extractor,
          },
        });
      }
      changes = await this.sync.record(tx, scope, [{ memoryId: created.id, op: 'create' }, ...(supersede ? [{ memoryId: supersede.id, op: 'supersede' as const }] : [])]);
      return created;
    });
    this.sync.committed(scope, changes);
    return toDomain({ ...row, text: f.text });
  }

  /** A correction (text, type, confidence; a new vector with new text), recorded as UPDATE. */
  async update(scope: MemoryScope, id: string, previousText: string, change: { text?: string; type?: MemoryType; confidence?: number; vector?: Float32Array; embeddingModel?: string }, actor: string): Promise<Memory> {
    let changes: SyncChange[] = [];
    const seal = await this.cipher.sealer(scope);
    const row = await this.prisma.$transaction(async (tx) => {
      const updated = await tx.memory.update({
        where: { id },
        data: {
          ...(change.text ? { text: seal.text('memories.text', change.text) } : {}),
          ...(change.type ? { type: change.type } : {}),
          ...(change.confidence !== undefined ? { confidence: change.confidence } : {}),
          ...(change.vector ? { embedding: seal.vector(change.vector), embeddingModel: change.embeddingModel ?? null } : {}),
        },
      });
      const newText = (await this.cipher.opener(scope, [updated.text])).text('memories.text', updated.text);
      await tx.memoryEvent.create({
        data: { memoryId: id, tenantId: scope.tenantId, userId: scope.userId, event: 'UPDATE', previousText: seal.text('memory_events.previous_text', previousText), newText: seal.text('memory_events.new_text', newText), actor },
      });
      changes = await this.sync.record(tx, scope, [{ memoryId: id, op: 'update' }]);
      return { ...updated, text: newText };
    });
    this.sync.committed(scope, changes);
    return toDomain(row);
  }

  /**
   * Soft delete at once (retrieval filters it) with a DELETE event each; the deleted text is NOT
   * copied into history. Returns the ids that were live-or-inactive and are now deleted.
   */
  async softDelete(scope: MemoryScope, ids: string[], at: Date, reason: string, actor: string): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await this.prisma.memory.findMany({ where: { tenantId: scope.tenantId, userId: scope.userId, id: { in: ids }, deletedAt: null }, select: { id: true } });
    if (!rows.length) return [];
    const deleted = rows.map((r) => r.id);
    const seal = await this.cipher.sealer(scope);
    const changes = await this.prisma.$transaction(async (tx) => {
      await tx.memory.updateMany({ where: { id: { in: deleted } }, data: { deletedAt: at } });
      await tx.memoryEvent.createMany({ data: deleted.map((memoryId) => ({ memoryId, tenantId: scope.tenantId, userId: scope.userId, event: 'DELETE', reason: seal.text('memory_events.reason', reason), actor })) });
      return this.sync.record(tx, scope, deleted.map((memoryId) => ({ memoryId, op: 'delete' as const })));
    });
    this.sync.committed(scope, changes);
    return deleted;
  }

  /** Counts `by` retrievals of each (usage discount, eviction recency); the service buffers them (`RetrievalRecorder`). */
  async recordRetrieval(ids: string[], at: Date, by = 1): Promise<void> {
    if (ids.length) await this.prisma.memory.updateMany({ where: { id: { in: ids } }, data: { retrievalCount: { increment: by }, lastRetrievedAt: at } });
  }

  /** One page of the user's memories (live ones, or every undeleted one), newest first. */
  async page(scope: MemoryScope, at: Date, q: ListQuery): Promise<{ items: Memory[]; total: number }> {
    const base = q.includeInactive ? { tenantId: scope.tenantId, userId: scope.userId, deletedAt: null } : liveWhere(scope, at);
    const where = {
      ...base,
      ...(q.sessionRowId ? { sessionId: q.sessionRowId } : {}),
      ...entityWhere(q),
      // the episodic tier (issue 14) is searched and exported, not listed: only when asked for by type
      ...(q.type ? { type: q.type } : { type: { not: 'episode' } }),
      ...validRange(q),
    };
    const [rows, total] = await Promise.all([
      this.prisma.memory.findMany({ where, orderBy: [{ validAt: 'desc' }, { id: 'asc' }], skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
      this.prisma.memory.count({ where }),
    ]);
    return { items: await this.memoriesOf(rows), total };
  }

  /** One undeleted memory of the user. */
  async find(scope: MemoryScope, id: string): Promise<Memory | null> {
    const row = await this.prisma.memory.findFirst({ where: { id, tenantId: scope.tenantId, userId: scope.userId, deletedAt: null } });
    return row ? ((await this.memoriesOf([row]))[0] ?? null) : null;
  }

  /** The user a memory (known by id within a tenant) belongs to. */
  async ownerOf(tenantId: string, id: string, includeDeleted = false): Promise<string | null> {
    const row = await this.prisma.memory.findFirst({ where: { id, tenantId, ...(includeDeleted ? {} : { deletedAt: null }) }, select: { userId: true } });
    return row?.userId ?? null;
  }

  async exists(scope: MemoryScope, id: string): Promise<boolean> {
    return (await this.prisma.memory.count({ where: { id, tenantId: scope.tenantId, userId: scope.userId } })) > 0;
  }

  /**
   * When a fact of the user last stopped being served as it was (its latest DELETE, SUPERSEDE or
   * UPDATE event), null when never: what a copy made earlier (an export) must be rebuilt after.
   */
  async lastRemovalAt(scope: MemoryScope): Promise<Date | null> {
    const r = await this.prisma.memoryEvent.aggregate({ where: { tenantId: scope.tenantId, userId: scope.userId, event: { in: ['DELETE', 'SUPERSEDE', 'UPDATE'] } }, _max: { at: true } });
    return r._max.at;
  }

  /** The memory's events, oldest first; a deleted memory's texts are withheld ({@link redactEvent}). */
  async history(scope: MemoryScope, id: string): Promise<HistoryEntry[]> {
    const [events, row] = await Promise.all([
      this.prisma.memoryEvent.findMany({
        where: { memoryId: id, tenantId: scope.tenantId, userId: scope.userId },
        orderBy: [{ at: 'asc' }, { id: 'asc' }],
        select: { id: true, memoryId: true, event: true, previousText: true, newText: true, reason: true, actor: true, at: true },
      }),
      this.prisma.memory.findFirst({ where: { id, tenantId: scope.tenantId, userId: scope.userId }, select: { deletedAt: true, supersededById: true } }),
    ]);
    const superseder = row?.supersededById ? await this.prisma.memory.findFirst({ where: { id: row.supersededById }, select: { deletedAt: true } }) : null;
    const deleted = { self: row?.deletedAt != null, superseder: superseder?.deletedAt != null };
    const o = await this.cipher.opener(scope, events.flatMap((e) => [e.previousText, e.newText, e.reason]));
    return events.map((e) =>
      redactEvent(
        { ...e, previousText: o.maybe('memory_events.previous_text', e.previousText), newText: o.maybe('memory_events.new_text', e.newText), reason: o.maybe('memory_events.reason', e.reason) },
        deleted,
      ),
    );
  }

  /** A deleted memory of the user with its latest DELETE event; null when there is no such memory or it is not deleted. */
  async deletion(scope: MemoryScope, id: string): Promise<Deletion | null> {
    const row = await this.prisma.memory.findFirst({ where: { id, tenantId: scope.tenantId, userId: scope.userId, deletedAt: { not: null } } });
    if (!row) return null;
    const last = await this.prisma.memoryEvent.findFirst({ where: { memoryId: id, event: 'DELETE' }, orderBy: [{ at: 'desc' }, { id: 'desc' }], select: { actor: true, at: true } });
    return { stored: (await this.storedOf([row]))[0] as StoredMemory, lastDelete: last };
  }

  /** Undeleted memories of the user among `ids`, whatever their state (live, superseded, invalidated): what sync sends. */
  async undeletedByIds(scope: MemoryScope, ids: string[]): Promise<Memory[]> {
    if (!ids.length) return [];
    const rows = await this.prisma.memory.findMany({ where: { tenantId: scope.tenantId, userId: scope.userId, deletedAt: null, id: { in: ids } } });
    return this.memoriesOf(rows);
  }

  /** A page of the user's undeleted memories in id order after `afterId` (a sync snapshot). */
  async undeletedAfter(scope: MemoryScope, afterId: string | null, limit: number): Promise<Memory[]> {
    const rows = await this.prisma.memory.findMany({ where: { tenantId: scope.tenantId, userId: scope.userId, deletedAt: null, ...(afterId ? { id: { gt: afterId } } : {}) }, orderBy: { id: 'asc' }, take: limit });
    return this.memoriesOf(rows);
  }

  /**
   * Undoes a soft delete (RESTORE event). Only if the memory is still deleted as of `deletedAt`:
   * null when another call restored it first. With `episodes`, the episodes of the fact's turns
   * that its deletion took with it come back in the same transaction ({@link episodesDeletedWith}).
   */
  async restore(scope: MemoryScope, id: string, deletedAt: Date, reason: string, actor: string, o: { episodes?: boolean } = {}): Promise<RestoredMemory | null> {
    let changes: SyncChange[] = [];
    const seal = await this.cipher.sealer(scope);
    const out = await this.prisma.$transaction(async (tx) => {
      const n = await tx.memory.updateMany({ where: { id, tenantId: scope.tenantId, userId: scope.userId, deletedAt }, data: { deletedAt: null } });
      if (n.count !== 1) return null;
      const episodes = o.episodes ? await episodesDeletedWith(tx, scope, id, deletedAt) : [];
      if (episodes.length) await tx.memory.updateMany({ where: { id: { in: episodes }, deletedAt }, data: { deletedAt: null } });
      const ids = [id, ...episodes];
      await tx.memoryEvent.createMany({ data: ids.map((memoryId) => ({ memoryId, tenantId: scope.tenantId, userId: scope.userId, event: 'RESTORE', reason: seal.text('memory_events.reason', reason), actor })) });
      const rows = await tx.memory.findMany({ where: { id: { in: ids } } });
      changes = await this.sync.record(tx, scope, ids.map((memoryId) => ({ memoryId, op: 'restore' as const })));
      return rows;
    });
    this.sync.committed(scope, changes);
    if (!out) return null;
    const opened = await this.storedOf(out);
    const fact = opened.find((r) => r.memory.id === id) as StoredMemory;
    return Object.assign(fact, { episodes: opened.filter((r) => r.memory.id !== id) });
  }
}

/**
 * Episodes the deletion of fact `factId` (at `deletedAt`) took with it (issue 14: a deleted fact
 * takes the episode of the turn that stated it): an episode of the fact's session citing one of
 * its turns, deleted in the same statement (same `deleted_at`) by a forget command, that no other
 * fact deleted in that statement also cites (its words would come back with the episode), and that
 * no pending erasure covers. An episode deleted by anything else stays deleted.
 */
async function episodesDeletedWith(tx: Prisma.TransactionClient, scope: MemoryScope, factId: string, deletedAt: Date): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT e.id::text AS id FROM memories e JOIN memories f ON f.id = ${factId}::uuid
    WHERE e.tenant_id = ${scope.tenantId}::uuid AND e.user_id = ${scope.userId} AND e.type = 'episode' AND f.type <> 'episode'
      AND e.deleted_at = ${deletedAt} AND e.session_id = f.session_id AND e.turn_ids && f.turn_ids
      AND (SELECT ev.actor FROM memory_events ev WHERE ev.memory_id = e.id AND ev.event = 'DELETE' ORDER BY ev.at DESC LIMIT 1) = ${FORGET_COMMAND_ACTOR}
      AND NOT EXISTS (SELECT 1 FROM memories o WHERE o.tenant_id = e.tenant_id AND o.user_id = e.user_id AND o.id <> f.id AND o.type <> 'episode'
                      AND o.deleted_at = ${deletedAt} AND o.session_id = e.session_id AND o.turn_ids && e.turn_ids)
      AND NOT EXISTS (SELECT 1 FROM memory_erasures x WHERE x.status = 'pending' AND x.tenant_id = e.tenant_id
                      AND (e.id::text = ANY(x.memory_ids) OR e.session_id::text = ANY(x.session_ids)))`;
  return rows.map((r) => r.id);
}
