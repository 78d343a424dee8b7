import { Inject, Injectable, Optional } from '@nestjs/common';
import type { MemoryScope } from '@frontier/memory-contracts';
import { isEpisode } from '@frontier/memory-domain';
import { NotFoundError, type EntityFilter, type ErasureKind, type ErasureRecord, type ErasureSelection, type PostgresErasureCounts } from '@frontier/memory-data-access';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';
import { BiographyService } from './biography.service';
import { ERASABLE_CACHES, type ErasableCache } from './erasure-caches';
import { ErasureKeys } from './erasure-keys';
import { errorText, requestErasure, type ErasureTicket } from './erasure-request';
import { sourceEpisodes } from './episodes';

/** One store's part of a completion report. */
export interface ErasureStep {
  store: 'vector-index' | 'cache' | 'postgres' | 'biography' | 'data-key';
  /** The index adapter, the cache, the tables. */
  where: string;
  removed: Record<string, number>;
  at: string;
}

/** The completion report of an erasure: what was removed, where, when. */
export interface ErasureReport {
  kind: ErasureKind;
  requestedAt: string;
  completedAt: string;
  attempts: number;
  steps: ErasureStep[];
  /** Every store reported: nothing of the erased data remains in any of them. */
  residue: 'none';
}

/** A key ring that can destroy a user's data key (crypto-shredding; issue 13, item 3). */
interface ShreddingKeyRing {
  shredUser(scope: MemoryScope): Promise<void>;
}

/**
 * Erasure (issue 13, item 2): one memory, a session's memories, a session with its transcript, or
 * a whole user. The request soft-deletes at once and records the erasure in the same transaction
 * (nothing selected is served from then on); the hard delete ({@link process}, the `memory.erase`
 * job) removes it from the vector index, the caches, Postgres (rows, other events' copies, the
 * transcript turns it came from), the biography and — for a whole user — the data key, then keeps
 * a report. Erased facts leave keyed-hash tombstones that stop re-extraction from echoes.
 */
@Injectable()
export class ErasureService {
  readonly keys: ErasureKeys;

  constructor(
    @Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext,
    private readonly biography: BiographyService,
    @Optional() @Inject(ERASABLE_CACHES) private readonly caches: ErasableCache[] = [],
  ) {
    this.keys = new ErasureKeys(ctx.options.erasureKey);
  }

  /** One memory (live, superseded or already soft-deleted). */
  async eraseMemory(scope: MemoryScope, id: string, actor = 'user'): Promise<ErasureTicket> {
    if (!(await this.ctx.memories.exists(scope, id))) throw new NotFoundError('id', `memory ${id} not found`);
    return this.request(scope, { kind: 'memory', memoryIds: await this.withSourceEpisodes(scope, [id]) }, actor);
  }

  /** Several memories of the user at once (Mem0's deleteAll and batch delete); none: nothing to erase (null). */
  async eraseMemories(scope: MemoryScope, ids: string[], actor = 'user'): Promise<ErasureTicket | null> {
    return ids.length ? this.request(scope, { kind: 'memory', memoryIds: await this.withSourceEpisodes(scope, ids) }, actor) : null;
  }

  /** Erasing a fact erases the episode of the turn that stated it (issue 14): its words would survive there. */
  private async withSourceEpisodes(scope: MemoryScope, ids: string[]): Promise<string[]> {
    const facts = (await this.ctx.memories.liveByIds(scope, this.ctx.clock(), ids)).map((r) => r.memory).filter((m) => !isEpisode(m));
    return [...new Set([...ids, ...(await sourceEpisodes(this.ctx, scope, facts))])];
  }

  /** The user's undeleted memories, or only an agent's / a run's (Mem0's deleteAll). */
  async eraseAll(scope: MemoryScope, filter: EntityFilter = {}, actor = 'user'): Promise<ErasureTicket | null> {
    return this.eraseMemories(scope, await this.ctx.memories.undeletedIds(scope, { filter }), actor);
  }

  /** Users of the tenant with memories (Mem0's `users()`), a page at a time. */
  async users(tenantId: string, page: number, pageSize: number) {
    return this.ctx.erasures.users(tenantId, page, pageSize);
  }

  /** Every memory derived from a session (the transcript stays, minus the turns they came from). */
  async eraseSessionMemories(scope: MemoryScope, sessionId: string, actor = 'user'): Promise<ErasureTicket> {
    return this.request(scope, { kind: 'session-memories', sessionRowId: await this.sessionRow(scope, sessionId) }, actor);
  }

  /** A session with its transcript and every memory derived from it. */
  async eraseSession(scope: MemoryScope, sessionId: string, actor = 'user'): Promise<ErasureTicket> {
    return this.request(scope, { kind: 'session', sessionRowId: await this.sessionRow(scope, sessionId) }, actor);
  }

  /** Everything of the user: memories, sessions, transcripts, biography, exports, data key. */
  async eraseUser(scope: MemoryScope, actor = 'user'): Promise<ErasureTicket> {
    return this.request(scope, { kind: 'user' }, actor);
  }

  /** Eviction at the per-user cap: the same soft delete and hard delete (no tombstone: an evicted fact may be learnt again). */
  async evict(scope: MemoryScope, ids: string[]): Promise<ErasureTicket | null> {
    return ids.length ? this.request(scope, { kind: 'eviction', memoryIds: ids }, 'eviction') : null;
  }

  private async sessionRow(scope: MemoryScope, sessionId: string): Promise<string> {
    const s = await this.ctx.sessions.findByExternalId(scope, sessionId);
    if (!s) throw new NotFoundError('sessionId', `session ${sessionId} not found`);
    return s.id;
  }

  private async request(scope: MemoryScope, sel: ErasureSelection, actor: string): Promise<ErasureTicket> {
    return requestErasure(this.ctx, scope, sel, actor);
  }

  /** The erasure record of the user (404 for another user's or tenant's, or an unknown id). */
  async get(scope: MemoryScope, id: string): Promise<ErasureRecord> {
    const e = await this.ctx.erasures.find(scope.tenantId, this.keys.user(scope), id);
    if (!e) throw new NotFoundError('id', `erasure ${id} not found`);
    return e;
  }

  /**
   * The hard delete (the `memory.erase` job): every step is idempotent, so a run that dies (an
   * outage, a killed worker) is simply run again until the report says `completed`.
   */
  async process(erasureId: string): Promise<ErasureReport> {
    const { ctx } = this;
    const e = await ctx.erasures.get(erasureId);
    if (!e) throw new NotFoundError('erasureId', `erasure ${erasureId} not found`);
    if (e.status === 'completed' || !e.userId) return e.report as ErasureReport;
    try {
      return await this.hardDelete(e, { tenantId: e.tenantId, userId: e.userId });
    } catch (err) {
      await ctx.erasures.failed(e.id, errorText(err)).catch(() => undefined);
      throw err;
    }
  }

  private async hardDelete(e: ErasureRecord, scope: MemoryScope): Promise<ErasureReport> {
    const { ctx } = this;
    const wholeUser = e.kind === 'user';
    const now = () => ctx.clock().toISOString();
    const steps: ErasureStep[] = [];
    // read before anything goes: the texts become tombstones, the sessions tell caches what to purge
    const targets = await ctx.erasures.targets(e);
    const memoryIds = [...new Set([...e.memoryIds, ...targets.map((t) => t.id)])];
    const sessionRowIds = [...new Set([...e.sessionIds, ...targets.flatMap((t) => (t.sessionId ? [t.sessionId] : []))])];

    // 1. the vector index (embedded copy or Qdrant through the port)
    if (wholeUser) await ctx.index.deleteScope(scope);
    else if (memoryIds.length) await ctx.index.remove(scope, memoryIds);
    steps.push({ store: 'vector-index', where: ctx.index.name, removed: wholeUser ? { scope: 1 } : { entries: memoryIds.length }, at: now() });

    // 2. caches (Mem0 exports, finished jobs' data): before Postgres, whose events tell exports they are stale
    for (const cache of this.caches) {
      const n = await cache.purge(scope, { sessionRowIds, wholeUser });
      steps.push({ store: 'cache', where: cache.name, removed: { entries: n }, at: now() });
    }

    // 3. Postgres, one transaction
    const tombstones = e.kind === 'eviction' || wholeUser ? [] : [...new Set(targets.map((t) => this.keys.fact(t.text)))];
    const pg: PostgresErasureCounts = await ctx.memories.withUserLock(scope, () => ctx.erasures.hardDelete(e, { redactTurns: e.kind === 'memory' || e.kind === 'session-memories', tombstones, wholeUser }));
    steps.push({ store: 'postgres', where: 'memories, memory_events, memory_turns, memory_sessions, biographies, memory_tombstones', removed: { ...pg }, at: now() });

    // 3b. cross-device sync (Helper S): a whole user's change log, vector entries and sync key go too (a single
    // memory's log rows keep only HMAC refs: their memory_id was set to NULL with the row)
    if (wholeUser) {
      await ctx.memories.sync.forgetUser(scope);
      steps.push({ store: 'postgres', where: 'memory_sync_changes, memory_sync_devices, memory_sync_keys', removed: { user: 1 }, at: now() });
    }

    // 4. processes holding a copy of the index drop it (reloaded from Postgres, without the rows); this
    // process's search copy of the user's rows goes too (others: their version check sees the erasure)
    await ctx.index.invalidate(scope);
    ctx.liveRows?.drop(scope);
    await ctx.notifier.changed(scope);

    // 5. the biography: rebuilt without the erased facts (a whole user's was deleted above; none stored: none to rebuild)
    if (!wholeUser && (await ctx.biographies.get(scope))) {
      const b = await this.biography.rebuild(scope, true);
      steps.push({ store: 'biography', where: 'biographies', removed: { rebuiltFrom: b.factCount }, at: now() });
    }

    // 6. a whole user: the data key goes last (crypto-shredding, issue 13 item 3: any copy taken before is unreadable)
    if (wholeUser) {
      const ring = (ctx as MemoryContext & { keys?: ShreddingKeyRing }).keys;
      if (ring) {
        await ring.shredUser(scope);
        steps.push({ store: 'data-key', where: 'memory_data_keys (crypto-shredding)', removed: { keys: 1 }, at: now() });
        // told again after the key is gone: a process that re-cached the key since step 4 evicts it now
        await ctx.notifier.changed(scope);
      }
    }

    const completedAt = ctx.clock();
    const report: ErasureReport = { kind: e.kind, requestedAt: e.requestedAt.toISOString(), completedAt: completedAt.toISOString(), attempts: e.attempts + 1, steps, residue: 'none' };
    await ctx.erasures.complete(e.id, report, completedAt);
    return report;
  }

  /**
   * Postgres is the truth and the queue derived: every erasure still pending `olderThanS` after its
   * last change (its job lost with Redis, spent in an outage, never queued) gets its job again.
   */
  async reconcile(olderThanS = 60): Promise<{ pending: number; requeued: number; swept: number }> {
    const ids = await this.ctx.erasures.pending(new Date(Date.now() - olderThanS * 1000), 500);
    let requeued = 0;
    for (const id of ids) {
      await this.ctx.notifier.erasureRequested(id);
      await this.ctx.erasures.touch(id);
      requeued++;
    }
    return { pending: ids.length, requeued, swept: await this.sweepExpired() };
  }

  /**
   * A soft delete that is not an erasure (a forget command, restorable for `restoreGraceDays`; a
   * delete made before erasures existed) still holds the text: once the grace period is over it goes
   * through the hard-delete path too (an erasure of kind `memory`, actor `grace-expired`).
   */
  async sweepExpired(): Promise<number> {
    const graceDays = this.ctx.options.restoreGraceDays ?? 7;
    const cutoff = new Date(this.ctx.clock().getTime() - graceDays * 86_400_000);
    let n = 0;
    for (const g of await this.ctx.erasures.expiredSoftDeletes(cutoff, 1_000)) {
      await this.request({ tenantId: g.tenantId, userId: g.userId }, { kind: 'memory', memoryIds: g.ids }, 'grace-expired');
      n += g.ids.length;
    }
    return n;
  }
}
