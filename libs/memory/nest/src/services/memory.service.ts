import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { MemoryScope } from '@frontier/memory-contracts';
import { deterministicBiography, formatProfileBlock, isEpisode, isLive, isMemoryType, sensitiveTopicsOf, whatDoYouKnow, type KnowledgeSection, type Memory, type MemoryType, type ScoreBreakdown } from '@frontier/memory-domain';
import { BadRequestError, ConflictError, FORGET_COMMAND_ACTOR, NotFoundError, type BiographyRecord, type EntityFilter, type HistoryEntry } from '@frontier/memory-data-access';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';
import { ExtractionService } from './extraction.service';
import { DEFAULT_CANDIDATE_POOL, profileItems, rankHits, type EpisodeContext } from './ranking';
import { DEFAULT_RETRIEVAL_FLUSH_MS, RetrievalRecorder } from './retrieval-recorder';

/** Where a memory came from, as the client knows it. */
export interface SessionRef {
  externalId: string;
  agentId: string | null;
}

/** A memory with the client's id of the session it came from (null when none). */
export interface MemoryView {
  memory: Memory;
  session: SessionRef | null;
}

export interface SearchInput extends EntityFilter {
  query: string;
  /** The last turns of the conversation; the query embeds the current turn plus the last 3. */
  recentTurns?: string[];
  limit?: number;
  /** Types to search (default all). */
  types?: string[];
  /** Minimum final score. */
  threshold?: number;
  /** Only facts valid from / until (their `validAt`). */
  since?: Date;
  until?: Date;
  /** Count this search as a retrieval (usage discount, eviction recency). Default true. */
  record?: boolean;
  /**
   * Only these memories may be returned (a Mem0 filter evaluated in Postgres): the index is then
   * asked for every candidate it has, so no matching memory is lost below the pool.
   */
  only?: ReadonlySet<string>;
  /** Whole results in rank order while their words fit (issue 14: a 300-word budget ≈ a profile block). */
  budgetWords?: number;
}

export interface ScoredMemory extends MemoryView {
  breakdown: ScoreBreakdown;
  /** Neighbour turns attached to an episode (when the neighbour mode attaches some). */
  context?: EpisodeContext;
}

export interface SearchResult {
  memories: ScoredMemory[];
  /** `[User profile]` block: biography + the top facts phrased as beliefs. */
  profile: string;
}

export interface ListInput extends EntityFilter {
  page?: number;
  pageSize?: number;
  type?: string;
  /** Client session id (run_id). */
  sessionId?: string;
  since?: Date;
  until?: Date;
  /** Include superseded/invalidated facts (history views). Soft-deleted ones never. */
  includeInactive?: boolean;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface UpdateInput {
  text?: string;
  type?: string;
  confidence?: number;
}

export interface Profile {
  biography: ServedBiography | null;
  knowledge: KnowledgeSection[];
}

/** The biography as served: always built from facts live now (see {@link MemoryService.biography}). */
export interface ServedBiography {
  text: string;
  builtAt: Date;
  /** A rebuild is pending: the stored biography no longer matches the live facts. */
  stale: boolean;
  generator: string;
}

const MAX_QUERY_CHARS = 8_000;
const DAY_MS = 86_400_000;

/** Memory's use cases on stored facts: search, list, get, correct, delete, history, profile. */
@Injectable()
export class MemoryService implements BeforeApplicationShutdown {
  /** Retrieval counts, buffered off the search path (`options.retrievalFlushMs`). */
  private readonly retrievals: RetrievalRecorder;

  constructor(
    @Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext,
    private readonly extraction: ExtractionService,
  ) {
    this.retrievals = new RetrievalRecorder(ctx.memories, ctx.options.retrievalFlushMs ?? DEFAULT_RETRIEVAL_FLUSH_MS);
  }

  /** Counts a retrieval of each memory served (buffered: written within `options.retrievalFlushMs`). */
  async recordRetrievals(ids: readonly string[], at: Date): Promise<void> {
    await this.retrievals.record(ids, at);
  }

  /** Writes the buffered retrieval counts now (tests; shutdown does it itself). */
  async flushRetrievals(): Promise<void> {
    await this.retrievals.flush();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.retrievals.close();
  }

  /** Attaches the client's session ids to memories (`lookup`: a cache of them; default Postgres). */
  async views(memories: Memory[], lookup: (ids: string[]) => Promise<Map<string, SessionRef>> = (ids) => this.ctx.sessions.refs(ids)): Promise<MemoryView[]> {
    const refs = await lookup(memories.map((m) => m.provenance.sessionId));
    return memories.map((memory) => ({ memory, session: refs.get(memory.provenance.sessionId) ?? null }));
  }

  /**
   * Query time: embed (current turn + last 3), take a candidate pool from the hybrid index, drop
   * anything not live in Postgres (whatever the index says), re-score with
   * relevance × recency × confidence × usage, and return the top `limit` with their breakdown.
   */
  async search(scope: MemoryScope, input: SearchInput): Promise<SearchResult> {
    const { ctx } = this;
    const query = input.query?.trim();
    if (!query) throw new BadRequestError('query', 'query must not be empty');
    const text = [...(input.recentTurns ?? []).slice(-3), query].join('\n').slice(-MAX_QUERY_CHARS);
    const limit = Math.min(Math.max(input.limit ?? 5, 1), 100);
    // queries: the static table distilled from the document model by default (issue 14), see ctx.queryEmbedder
    const [vector] = await (ctx.queryEmbedder ?? ctx.embedder).embed([text]);
    const pool = Math.max(ctx.options.candidatePool ?? DEFAULT_CANDIDATE_POOL, limit * 4);
    const hits = onlyAllowed(await ctx.index.search(scope, { vector: vector as Float32Array, text, k: await candidatePool(ctx, scope, input, pool) }), input, pool);
    const at = ctx.clock();
    // the user's live rows: this process's copy when its sync version is Postgres's (one round trip), else read and decrypted now
    const snap = ctx.liveRows && input.agentId === undefined && input.runId === undefined ? await ctx.liveRows.snapshot(scope, at) : null;
    const ids = hits.map((h) => h.id);
    const byId = snap
      ? snap.pick(ids, at, { ...(input.types ? { types: input.types } : {}), since: input.since, until: input.until })
      : new Map((await ctx.memories.liveMemoriesByIds(scope, at, ids, { ...(input.types ? { types: input.types } : {}), filter: input })).map((m) => [m.id, m]));
    // ranking (issue 14, ranking.ts): relevance, recency as a prior, one slot per source turn, the word budget
    const top = await rankHits(ctx, scope, hits, byId, { query: text, at, limit, ...(input.threshold !== undefined ? { threshold: input.threshold } : {}), ...(input.budgetWords !== undefined ? { budgetWords: input.budgetWords } : {}) });
    if (input.record !== false) {
      await this.retrievals.record(top.map((s) => s.memory.id), at);
      ctx.liveRows?.recordRetrievals(scope, top.map((s) => s.memory.id), at);
    }
    const served = top.map((s) => s.memory);
    const [bio, views] = snap
      ? await Promise.all([snap.biography === null ? null : snap.memo('biography', at, () => this.biography(scope, at)), this.views(served, snap.refs)])
      : await Promise.all([this.biography(scope, at), this.views(served)]);
    return { memories: top.map((s, i) => ({ ...(views[i] as MemoryView), breakdown: s.breakdown, ...(s.context ? { context: s.context } : {}) })), profile: formatProfileBlock(profileItems(top.map((s) => s.memory), text), bio?.text, { includeTopics: sensitiveTopicsOf(text), query: text }) };
  }

  async list(scope: MemoryScope, input: ListInput = {}): Promise<Page<MemoryView>> {
    const page = Math.max(1, input.page ?? 1);
    const pageSize = Math.min(Math.max(1, input.pageSize ?? 50), 500);
    if (input.type !== undefined && !isMemoryType(input.type)) throw new BadRequestError('type', `type must be one of the memory types`);
    let sessionRowId: string | undefined;
    if (input.sessionId !== undefined) {
      const s = await this.ctx.sessions.findByExternalId(scope, input.sessionId);
      if (!s) return { items: [], page, pageSize, total: 0 };
      sessionRowId = s.id;
    }
    const r = await this.ctx.memories.page(scope, this.ctx.clock(), {
      page,
      pageSize,
      ...(input.type ? { type: input.type } : {}),
      ...(sessionRowId ? { sessionRowId } : {}),
      ...(input.agentId !== undefined ? { agentId: input.agentId } : {}),
      ...(input.runId !== undefined ? { runId: input.runId } : {}),
      since: input.since,
      until: input.until,
      ...(input.includeInactive ? { includeInactive: true } : {}),
    });
    return { items: await this.views(r.items), page, pageSize, total: r.total };
  }

  /** Every memory of a list query, page by page (exports). */
  async listAll(scope: MemoryScope, input: Omit<ListInput, 'page' | 'pageSize'> = {}): Promise<MemoryView[]> {
    const out: MemoryView[] = [];
    for (let n = 1; ; n++) {
      const page = await this.list(scope, { ...input, page: n, pageSize: 500 });
      out.push(...page.items);
      if (n * page.pageSize >= page.total) return out;
    }
  }

  private async require(scope: MemoryScope, id: string): Promise<Memory> {
    const m = await this.ctx.memories.find(scope, id);
    if (!m) throw new NotFoundError('id', `memory ${id} not found`);
    return m;
  }

  async get(scope: MemoryScope, id: string): Promise<MemoryView> {
    return (await this.views([await this.require(scope, id)]))[0] as MemoryView;
  }

  /** The scope of a memory known only by id within a tenant (Mem0's routes carry no user id). */
  async scopeOf(tenantId: string, id: string, opts: { includeDeleted?: boolean } = {}): Promise<MemoryScope> {
    const userId = await this.ctx.memories.ownerOf(tenantId, id, opts.includeDeleted ?? false);
    if (userId === null) throw new NotFoundError('id', `memory ${id} not found`);
    return { tenantId, userId };
  }

  /** A user correction: new text is re-embedded and re-indexed; the change is recorded (UPDATE). */
  async update(scope: MemoryScope, id: string, input: UpdateInput, actor = 'user'): Promise<MemoryView> {
    const { ctx } = this;
    const current = await this.require(scope, id);
    const text = input.text?.trim();
    if (input.text !== undefined && !text) throw new BadRequestError('text', 'text must not be empty');
    if (input.type !== undefined && !isMemoryType(input.type)) throw new BadRequestError('type', 'type must be one of the memory types');
    if (input.confidence !== undefined && !(input.confidence >= 0 && input.confidence <= 1)) throw new BadRequestError('confidence', 'confidence must be between 0 and 1');
    const vector = text && text !== current.text ? (await ctx.embedder.embed([text]))[0] : undefined;
    const updated = await ctx.memories.update(
      scope,
      id,
      current.text,
      {
        ...(text ? { text } : {}),
        ...(input.type ? { type: input.type as MemoryType } : {}),
        ...(input.confidence !== undefined ? { confidence: input.confidence } : {}),
        ...(vector ? { vector, embeddingModel: ctx.embedder.modelId } : {}),
      },
      actor,
    );
    if (vector) await ctx.index.upsert(scope, [{ id, vector, text: updated.text }]);
    await ctx.biographies.markStale(scope);
    await ctx.notifier.changed(scope);
    return (await this.views([updated]))[0] as MemoryView;
  }

  /** Soft delete at once: never retrieved again. */
  async delete(scope: MemoryScope, id: string, actor = 'user'): Promise<void> {
    await this.require(scope, id);
    await this.deleteIds(scope, [id], 'deleted by request', actor);
  }

  /** Deletes several memories (each checked first: an unknown id changes nothing). */
  async deleteMany(items: Array<{ scope: MemoryScope; id: string }>, actor = 'user'): Promise<number> {
    for (const i of items) await this.require(i.scope, i.id);
    let n = 0;
    for (const [, group] of groupByUser(items)) n += await this.deleteIds((group[0] as { scope: MemoryScope }).scope, group.map((g) => g.id), 'deleted by request', actor);
    return n;
  }

  /** "Delete all memories from session X" in one call; returns how many were deleted. */
  async deleteBySession(scope: MemoryScope, sessionId: string, actor = 'user'): Promise<number> {
    const s = await this.ctx.sessions.findByExternalId(scope, sessionId);
    if (!s) throw new NotFoundError('sessionId', `session ${sessionId} not found`);
    return this.deleteIds(scope, await this.ctx.memories.undeletedIds(scope, { sessionRowId: s.id }), `session ${sessionId} deleted`, actor);
  }

  /** Deletes all of a user's memories, or only an agent's / a run's (`filter`). */
  async deleteAll(scope: MemoryScope, actor = 'user', filter: EntityFilter = {}): Promise<number> {
    const narrowed = filter.agentId !== undefined || filter.runId !== undefined;
    return this.deleteIds(scope, await this.ctx.memories.undeletedIds(scope, { filter }), narrowed ? 'memories of an agent/run deleted' : 'all memories deleted', actor);
  }

  private async deleteIds(scope: MemoryScope, ids: string[], reason: string, actor: string): Promise<number> {
    const n = await this.extraction.softDelete(scope, ids, reason, actor);
    await this.ctx.notifier.changed(scope);
    return n;
  }

  /** When one of the user's facts was last deleted, superseded or corrected (copies made before must be rebuilt). */
  async lastRemovalAt(scope: MemoryScope): Promise<Date | null> {
    return this.ctx.memories.lastRemovalAt(scope);
  }

  /** A memory's events; a deleted memory's texts are withheld (event, actor, time and ids stay). */
  async history(scope: MemoryScope, id: string): Promise<HistoryEntry[]> {
    if (!(await this.ctx.memories.exists(scope, id))) throw new NotFoundError('id', `memory ${id} not found`);
    return this.ctx.memories.history(scope, id);
  }

  /**
   * Undoes a forget command within the grace period (`restoreGraceDays`, default 7): the memory is
   * live again, re-indexed, the biography goes stale and the change is announced. Any other
   * deletion, or one past the grace period, is a 409 naming `id`.
   */
  async restore(scope: MemoryScope, id: string, actor = 'user'): Promise<MemoryView> {
    const { ctx } = this;
    const d = await ctx.memories.deletion(scope, id);
    if (!d) {
      if (await ctx.memories.find(scope, id)) throw new ConflictError('id', `memory ${id} is not deleted`, 'memory.not_deleted');
      throw new NotFoundError('id', `memory ${id} not found`);
    }
    const deletedAt = d.stored.memory.deletedAt as Date;
    if (d.lastDelete?.actor !== FORGET_COMMAND_ACTOR) throw new ConflictError('id', `memory ${id} was deleted by request, not by a forget command: only a forget command can be undone`, 'memory.not_restorable');
    const graceDays = ctx.options.restoreGraceDays ?? 7;
    const at = ctx.clock();
    if (at.getTime() - deletedAt.getTime() > graceDays * DAY_MS) {
      throw new ConflictError('id', `memory ${id} was forgotten on ${deletedAt.toISOString()}, more than ${graceDays} days ago: it can no longer be restored`, 'memory.restore_expired');
    }
    const { slot } = d.stored.memory;
    // under the user's lock, like dedup-and-store: a fact filling the same slot cannot slip in between
    const restored = await ctx.memories.withUserLock(scope, async () => {
      const taken = slot ? (await ctx.memories.liveByIds(scope, at, [], { slot })).filter((r) => isLive(r.memory, at)) : [];
      if (taken[0]) throw new ConflictError('id', `memory ${id} cannot be restored: a newer fact (${taken[0].memory.id}) now fills its slot ${slot}`, 'memory.slot_taken');
      // the episode of the fact's turn, when this fact's deletion took it (never one erased or deleted otherwise)
      return ctx.memories.restore(scope, id, deletedAt, 'restored: the forget command was undone', actor, { episodes: true });
    });
    if (!restored) throw new ConflictError('id', `memory ${id} is not deleted`, 'memory.not_deleted');
    const back = [restored, ...restored.episodes].filter((r) => r.vector && isLive(r.memory, at));
    // episodes are indexed with their neighbouring turns: their entries as an index rebuild computes them
    const entries = restored.episodes.length ? (await ctx.memories.indexItems(scope, ctx.embedder.modelId, at)).filter((i) => back.some((r) => r.memory.id === i.id)) : back.map((r) => ({ id: r.memory.id, vector: r.vector as Float32Array, text: r.memory.text }));
    if (entries.length) await ctx.index.upsert(scope, entries);
    await ctx.biographies.markStale(scope);
    await ctx.notifier.changed(scope);
    return (await this.views([restored.memory]))[0] as MemoryView;
  }

  /** Biography + "what do you know about me?" (every live fact, grouped by type). */
  async profile(scope: MemoryScope): Promise<Profile> {
    const at = this.ctx.clock();
    const facts = (await this.ctx.memories.allLive(scope, at)).filter((m) => !isEpisode(m)); // episodes: searched, not summarised
    return { biography: await this.biography(scope, at, facts), knowledge: whatDoYouKnow(facts) };
  }

  /**
   * The biography to serve: the stored one when it was built from exactly the facts live now
   * (its fingerprint), else — a fact was deleted, superseded or corrected since, and the rebuild
   * has not run (or the worker is down) — the deterministic summary of the live facts, built now
   * and marked stale. A deleted or superseded fact is never served, from the moment it changes.
   */
  private async biography(scope: MemoryScope, at: Date, live?: Memory[]): Promise<ServedBiography | null> {
    const stored: BiographyRecord | null = await this.ctx.biographies.get(scope);
    if (!stored) return null;
    const fingerprint = await this.ctx.biographies.liveFingerprint(scope, at); // over the stored (sealed) texts
    if (stored.fingerprint === fingerprint) return { text: stored.text, builtAt: stored.builtAt, stale: stored.stale, generator: stored.generator };
    const facts = (live ?? (await this.ctx.memories.allLive(scope, at))).filter((m) => !isEpisode(m));
    return facts.length ? { text: deterministicBiography(facts), builtAt: at, stale: true, generator: 'deterministic-v1' } : null;
  }
}

/** The index's pool: every candidate when the search is restricted to a filter's matches ({@link SearchInput.only}). */
async function candidatePool(ctx: MemoryContext, scope: MemoryScope, input: SearchInput, pool: number): Promise<number> {
  return input.only ? Math.max(pool, await ctx.index.count(scope)) : pool;
}

/** The best `pool` hits a filter allows ({@link SearchInput.only}): the same candidate count as an unfiltered search. */
function onlyAllowed<H extends { id: string }>(hits: H[], input: SearchInput, pool: number): H[] {
  return input.only ? hits.filter((h) => input.only?.has(h.id)).slice(0, pool) : hits;
}

function groupByUser<T extends { scope: MemoryScope }>(items: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const key = `${i.scope.tenantId}\u0000${i.scope.userId}`;
    out.set(key, [...(out.get(key) ?? []), i]);
  }
  return out;
}
