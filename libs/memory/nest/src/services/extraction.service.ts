import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MemoryScope } from '@frontier/memory-contracts';
import { assessSignificance, confidentOnly, decideCandidate, DEFAULT_DEDUP, DEFAULT_FORGET_MATCH, evictionOrder, isEpisode, isLive, matchForget, lowConfidenceReason, noFactReason, notSignificantReason, resolveConflict, screenSensitive, type Candidate, type Command, type Extractor, type Neighbour } from '@frontier/memory-domain';
import { FORGET_COMMAND_ACTOR, forgetCommandReason, NotFoundError, type ExtractMode, type Supersession } from '@frontier/memory-data-access';
import { cosine } from '@frontier/platform-util';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';
import { dropErasedFacts, requestErasure } from './erasure-request';
import { verbatimExtractor } from './verbatim-extractor';
import { sourceEpisodes, storeEpisodes } from './episodes';

export type MemoryEventName = 'ADD' | 'UPDATE' | 'SUPERSEDE' | 'DELETE' | 'NONE';

export interface ExtractionOutcome {
  sessionId: string;
  status: 'processed' | 'skipped';
  reason: string;
  /** `command: 'forget'` marks what a forget command did (DELETE, or NONE when it named no fact clearly). */
  results: Array<{ event: MemoryEventName; memoryId: string; text: string; reason?: string; command?: 'forget' }>;
  /** True when live facts changed (the biography must be rebuilt). */
  changed: boolean;
}

/** Per-call changes to extraction (Mem0's add: no length gate; `infer: false`: verbatim). */
export interface ExtractionOverrides {
  extractor?: Extractor;
  minSessionTokens?: number;
}

/** What a session's recorded extract mode means (Mem0's add is an explicit "remember this": no length gate). */
const MODES: Record<ExtractMode, ExtractionOverrides> = { auto: {}, explicit: { minSessionTokens: 0 }, verbatim: { minSessionTokens: 0, extractor: verbatimExtractor } };

/** Users whose index copy this process keeps a mark for (beyond: the oldest mark is dropped). */
const MARKS = 10_000;
const userKey = (scope: MemoryScope) => JSON.stringify([scope.tenantId, scope.userId]);

const candidateKey = (sessionId: string, c: Candidate) => createHash('sha256').update(`${sessionId}\u0000${c.type}\u0000${c.text.toLowerCase()}`).digest('hex');

/**
 * Session end → significance → extraction → embed → dedup/conflict → store → index, then one
 * "memory changed" notification. Idempotent: a processed session returns its recorded outcome; a
 * half-processed one (crash, retry) skips candidates it already stored and re-indexes them.
 * Dedup-and-store runs under the user's lock (every process), so concurrent sessions of one
 * user end as some sequential order would: one copy of a fact, one live value of a slot.
 */
@Injectable()
export class ExtractionService {
  /** Per user: the newest memory this process's index copy is known to hold (see {@link catchUp}). */
  private readonly marks = new Map<string, string | null>();

  constructor(@Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext) {}

  async process(scope: MemoryScope, sessionRowId: string, overrides: ExtractionOverrides = {}): Promise<ExtractionOutcome> {
    const { ctx } = this;
    const found = await ctx.sessions.withTurns(scope, sessionRowId);
    if (!found) throw new NotFoundError('sessionId', `session ${sessionRowId} not found for this user`);
    const { session, turns } = found;
    // being erased: nothing is learnt from it (the hard delete removes it)
    if (session.deletedAt) return { sessionId: session.externalId, status: 'skipped', reason: 'session erased', results: [], changed: false };
    if (session.status === 'processed' || session.status === 'skipped') {
      // the index is derived: make sure what this session stored is in it (a crash may have left it behind)
      await this.reindex(scope, (await ctx.memories.ofSession(session.id)).filter((m) => !m.deleted));
      return { sessionId: session.externalId, status: session.status, reason: session.reason ?? 'already processed', results: [], changed: false };
    }
    const mode = MODES[session.extractMode] ?? {};
    const minTokens = overrides.minSessionTokens ?? mode.minSessionTokens ?? ctx.options.minSessionTokens;
    const sig = assessSignificance(turns, minTokens);
    if (!sig.significant) {
      await ctx.sessions.setState(session.id, 'skipped', { reason: sig.reason, tokenCount: sig.tokens, processedAt: ctx.clock() });
      // never a silent []: the NONE event says why (issue 14)
      return { sessionId: session.externalId, status: 'skipped', reason: sig.reason, results: [{ event: 'NONE', memoryId: '', text: '', reason: notSignificantReason(sig, minTokens) }], changed: false };
    }
    // found processing (or given up on): an earlier run died on the way, maybe before announcing its changes
    const rerun = session.status !== 'received';
    await ctx.sessions.setState(session.id, 'processing', { tokenCount: sig.tokens });

    const results: ExtractionOutcome['results'] = [];
    let changed = false;
    for (const cmd of sig.commands.filter((c) => c.kind === 'forget')) {
      // under the user's lock, on an index copy that has caught up: the facts a concurrent session stored count
      const out = await ctx.memories.withUserLock(scope, async () => {
        await this.catchUp(scope);
        return this.forget(scope, cmd);
      });
      results.push(...out);
      changed ||= out.some((r) => r.event === 'DELETE');
    }

    const extractor = overrides.extractor ?? mode.extractor ?? ctx.extractor;
    // an erased fact is not learnt again from an echo, only when the user states it again (tombstones)
    // sensitive attributes (health, politics, religion, sexuality): as the tenant's policy says — by default only
    // when the user states them about themselves (a Mem0 add with infer: false is the client's explicit store)
    const policy = (await ctx.settings?.sensitivePolicy(scope.tenantId)) ?? 'explicit-only';
    const extracted = await extractor.extract(turns);
    const confident = confidentOnly(extracted);
    // candidates under the confidence gate are not stored, and the answer says so (issue 14)
    for (const c of extracted.filter((x) => !confident.includes(x))) results.push({ event: 'NONE', memoryId: '', text: c.text, reason: lowConfidenceReason(c) });
    const screened = screenSensitive(confident, turns, extractor === verbatimExtractor && policy !== 'never' ? 'allow' : policy);
    for (const d of screened.dropped) results.push({ event: 'NONE', memoryId: '', text: '', reason: d.reason });
    const { kept: candidates, dropped: erased } = await dropErasedFacts(ctx, scope, session, turns, screened.kept);
    for (const c of erased) results.push({ event: 'NONE', memoryId: '', text: c.text, reason: 'erased at the user\'s request and not stated again by the user since' });
    const vectors = candidates.length ? await ctx.embedder.embed(candidates.map((c) => c.text)) : [];
    if (candidates.length) {
      const applied = await ctx.memories.withUserLock(scope, async () => {
        await this.catchUp(scope);
        const out: ExtractionOutcome['results'] = [];
        for (const [i, candidate] of candidates.entries()) out.push(await this.apply(scope, session, extractor.id, candidate, vectors[i] as Float32Array));
        return out;
      });
      for (const outcome of applied) {
        results.push(outcome);
        changed ||= outcome.event !== 'NONE';
      }
    }
    // nothing found and nothing done: the NONE event says why instead of a silent [] (issue 14)
    if (!results.length) results.push({ event: 'NONE', memoryId: '', text: '', reason: noFactReason(turns) });
    // the episodic tier (issue 14): every significant user turn, beside the facts; not for a verbatim add (the turn is the fact)
    if (extractor !== verbatimExtractor) {
      const exclude = new Set(sig.commands.map((c) => c.turnId));
      const episodes = await ctx.memories.withUserLock(scope, async () => {
        await this.catchUp(scope);
        const out = await storeEpisodes(ctx, scope, session, turns, { exclude, policy });
        if (out.added) this.mark(scope, await ctx.memories.newestId(scope));
        return out;
      });
      changed ||= episodes.added > 0;
    }
    const evicted = await this.enforceCap(scope);
    for (const e of evicted) results.push({ event: 'DELETE', memoryId: e.id, text: e.text, reason: 'evicted: over the per-user cap' });
    // announced before the session counts as processed: with the bus or the queue down this run
    // fails, and the retry (or the reconciler's) announces it
    if (changed || evicted.length || rerun) await ctx.notifier.changed(scope);
    await ctx.sessions.setState(session.id, 'processed', { reason: sig.reason, processedAt: ctx.clock() });
    return { sessionId: session.externalId, status: 'processed', reason: sig.reason, results, changed: changed || evicted.length > 0 };
  }

  private async apply(
    scope: MemoryScope,
    session: { id: string; sourceHash: string; startedAt: Date },
    extractorId: string,
    candidate: Candidate,
    vector: Float32Array,
  ): Promise<ExtractionOutcome['results'][number]> {
    const { ctx } = this;
    const key = candidateKey(session.id, candidate);
    const already = await ctx.memories.byCandidateKey(session.id, key);
    if (already) {
      if (already.vector) await ctx.index.upsert(scope, [{ id: already.memory.id, vector: already.vector, text: already.memory.text }]);
      return { event: 'NONE', memoryId: already.memory.id, text: already.memory.text, reason: 'already stored by an earlier run of this session' };
    }
    const neighbours = await this.neighbours(scope, candidate, vector);
    const decision = decideCandidate(candidate, neighbours, ctx.options.dedup ?? DEFAULT_DEDUP);
    const validAt = candidate.validAt ?? session.startedAt;
    const at = ctx.clock();
    if (decision.action === 'skip') {
      const dup = decision.duplicateOf;
      // a restatement reinforces the fact instead of duplicating it
      await ctx.memories.reinforce(dup.id, Math.max(dup.confidence, candidate.confidence), scope);
      return { event: 'NONE', memoryId: dup.id, text: dup.text, reason: `duplicate of ${dup.id} (cos ${decision.cosine.toFixed(3)})` };
    }
    let supersede: Supersession | null = null;
    if (decision.action === 'conflict') {
      const r = resolveConflict(decision.with, { ...candidate, validAt }, at);
      if (r.action === 'keep-existing') return { event: 'NONE', memoryId: decision.with.id, text: decision.with.text, reason: r.reason };
      if (r.action === 'supersede') supersede = r.invalidate;
    }
    const created = await ctx.memories.createFact(
      scope,
      {
        text: candidate.text,
        type: candidate.type,
        confidence: candidate.confidence,
        slot: candidate.slot ?? null,
        sessionRowId: session.id,
        sourceHash: session.sourceHash,
        turnIds: candidate.turnIds,
        extractor: extractorId,
        embeddingModel: ctx.embedder.modelId,
        vector,
        candidateKey: key,
        validAt,
      },
      supersede,
    );
    await ctx.index.upsert(scope, [{ id: created.id, vector, text: created.text }]);
    this.mark(scope, created.id);
    if (supersede) {
      // the superseded fact's own turn stops being served with it (the episode row stays as history)
      const stale = decision.action === 'conflict' ? await sourceEpisodes(ctx, scope, [decision.with]) : [];
      await ctx.memories.invalidateEpisodes(scope, stale, supersede.invalidAt);
      await ctx.index.remove(scope, [supersede.id, ...stale]);
    }
    return supersede ? { event: 'UPDATE', memoryId: created.id, text: created.text, reason: `supersedes ${supersede.id}` } : { event: 'ADD', memoryId: created.id, text: created.text };
  }

  /**
   * Inside the user's lock, before dedup: another process (memory-api's Mem0 add, another worker)
   * may have stored facts since this process's index copy was built, and the change bus tells this
   * process only after that process's whole session. When the user's newest memory is not the one
   * this process last saw, the copy is dropped and the next search rebuilds it from Postgres.
   */
  private async catchUp(scope: MemoryScope): Promise<void> {
    const newest = await this.ctx.memories.newestId(scope);
    const key = userKey(scope);
    if (this.marks.has(key) && this.marks.get(key) === newest) return;
    await this.ctx.index.invalidate(scope);
    this.mark(scope, newest);
  }

  private mark(scope: MemoryScope, newest: string | null): void {
    const key = userKey(scope);
    this.marks.delete(key);
    this.marks.set(key, newest);
    if (this.marks.size > MARKS) this.marks.delete(this.marks.keys().next().value as string);
  }

  /** Nearest live memories by the index, plus any live memory filling the same slot. */
  private async neighbours(scope: MemoryScope, candidate: Candidate, vector: Float32Array): Promise<Neighbour[]> {
    const hits = await this.ctx.index.search(scope, { vector, k: 20 }); // episodes share the index: look past them for facts
    const at = this.ctx.clock();
    const rows = await this.ctx.memories.liveByIds(scope, at, hits.map((h) => h.id), candidate.slot ? { slot: candidate.slot } : {});
    return rows
      .filter((r) => isLive(r.memory, at) && !isEpisode(r.memory))
      .map((r) => ({ memory: r.memory, cosine: hits.find((h) => h.id === r.memory.id)?.cosine ?? (r.vector ? cosine(r.vector, vector) : 0) }));
  }

  private async reindex(scope: MemoryScope, rows: Array<{ id: string; text: string; vector: Float32Array | null }>): Promise<void> {
    const items = rows.flatMap((r) => (r.vector ? [{ id: r.id, vector: r.vector, text: r.text }] : []));
    if (items.length) await this.ctx.index.upsert(scope, items);
  }

  /**
   * A "forget …" command: deletes the one live fact it clearly names ({@link matchForget}: the
   * subject's words AND its meaning, with a lead over any other fact sharing the words), logged
   * as a command (actor `user-command`, the turn and the command as reason) and restorable for a
   * grace period; anything less clear deletes nothing and answers NONE with the reason.
   */
  private async forget(scope: MemoryScope, cmd: Command): Promise<ExtractionOutcome['results']> {
    const [vector] = await this.ctx.embedder.embed([cmd.subject]);
    const hits = await this.ctx.index.search(scope, { vector: vector as Float32Array, text: cmd.subject, k: 30 }); // past the episodes sharing the index
    const rows = await this.ctx.memories.liveByIds(scope, this.ctx.clock(), hits.map((h) => h.id));
    const candidates = rows.filter((r) => !isEpisode(r.memory)).map((r) => ({ id: r.memory.id, text: r.memory.text, cosine: hits.find((h) => h.id === r.memory.id)?.cosine ?? 0 }));
    const decision = matchForget(cmd.subject, candidates, this.ctx.options.forgetMatch ?? DEFAULT_FORGET_MATCH);
    if (decision.action === 'none') {
      const nearest = candidates.find((c) => c.id === decision.nearestId);
      return [{ event: 'NONE', memoryId: nearest?.id ?? '', text: nearest?.text ?? cmd.subject, reason: `forget command not applied: ${decision.reason}`, command: 'forget' }];
    }
    await this.softDelete(scope, decision.ids, forgetCommandReason(cmd.turnId, cmd.text), FORGET_COMMAND_ACTOR);
    return candidates
      .filter((c) => decision.ids.includes(c.id))
      .map((c) => ({ event: 'DELETE' as const, memoryId: c.id, text: c.text, reason: `forget command in turn ${cmd.turnId} (restorable)`, command: 'forget' as const }));
  }

  /**
   * Keeps a user at most `maxMemoriesPerUser` live memories (default 10,000): the domain's eviction
   * order drops the least recently retrieved first and durable facts last. Evicted facts go through
   * the erasure path (soft delete now, hard delete by the `memory.erase` job, a report).
   */
  async enforceCap(scope: MemoryScope): Promise<Array<{ id: string; text: string }>> {
    const cap = this.ctx.options.maxMemoriesPerUser ?? 10_000;
    const at = this.ctx.clock();
    if ((await this.ctx.memories.countLive(scope, at)) <= cap) return [];
    const victims = evictionOrder(await this.ctx.memories.allLive(scope, at), cap);
    await requestErasure(this.ctx, scope, { kind: 'eviction', memoryIds: victims.map((v) => v.id) }, 'eviction');
    return victims.map((v) => ({ id: v.id, text: v.text }));
  }

  /** Soft delete at once (retrieval filters it) with a DELETE event; the index entry goes too; the biography goes stale. */
  async softDelete(scope: MemoryScope, ids: string[], reason: string, actor: string): Promise<number> {
    // a deleted fact takes the episode of the turn that stated it (issue 14): its words would still be found there
    const facts = (await this.ctx.memories.liveByIds(scope, this.ctx.clock(), ids)).map((r) => r.memory).filter((m) => !isEpisode(m));
    const all = [...new Set([...ids, ...(await sourceEpisodes(this.ctx, scope, facts))])];
    const deleted = await this.ctx.memories.softDelete(scope, all, this.ctx.clock(), reason, actor);
    if (!deleted.length) return 0;
    await this.ctx.index.remove(scope, deleted);
    await this.ctx.biographies.markStale(scope);
    return deleted.filter((id) => ids.includes(id)).length;
  }
}
