import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { MemoryScope } from '@frontier/memory-contracts';
import { assessSignificance, confidentOnly, decideCandidate, DEFAULT_DEDUP, evictionOrder, isLive, resolveConflict, type Candidate, type Extractor, type Neighbour } from '@frontier/memory-domain';
import { NotFoundError, type Supersession } from '@frontier/memory-data-access';
import { cosine } from '@frontier/platform-util';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';

export type MemoryEventName = 'ADD' | 'UPDATE' | 'SUPERSEDE' | 'DELETE' | 'NONE';

export interface ExtractionOutcome {
  sessionId: string;
  status: 'processed' | 'skipped';
  reason: string;
  results: Array<{ event: MemoryEventName; memoryId: string; text: string; reason?: string }>;
  /** True when live facts changed (the biography must be rebuilt). */
  changed: boolean;
}

/** Per-call changes to extraction (Mem0's add: no length gate; `infer: false`: verbatim). */
export interface ExtractionOverrides {
  extractor?: Extractor;
  minSessionTokens?: number;
}

const candidateKey = (sessionId: string, c: Candidate) => createHash('sha256').update(`${sessionId}\u0000${c.type}\u0000${c.text.toLowerCase()}`).digest('hex');

/**
 * Session end → significance → extraction → embed → dedup/conflict → store → index, then one
 * "memory changed" notification. Idempotent: a processed session returns its recorded outcome; a
 * half-processed one (crash, retry) skips candidates it already stored and re-indexes them.
 */
@Injectable()
export class ExtractionService {
  constructor(@Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext) {}

  async process(scope: MemoryScope, sessionRowId: string, overrides: ExtractionOverrides = {}): Promise<ExtractionOutcome> {
    const { ctx } = this;
    const found = await ctx.sessions.withTurns(scope, sessionRowId);
    if (!found) throw new NotFoundError('sessionId', `session ${sessionRowId} not found for this user`);
    const { session, turns } = found;
    if (session.status === 'processed' || session.status === 'skipped') {
      // the index is derived: make sure what this session stored is in it (a crash may have left it behind)
      await this.reindex(scope, (await ctx.memories.ofSession(session.id)).filter((m) => !m.deleted));
      return { sessionId: session.externalId, status: session.status, reason: session.reason ?? 'already processed', results: [], changed: false };
    }
    const sig = assessSignificance(turns, overrides.minSessionTokens ?? ctx.options.minSessionTokens);
    if (!sig.significant) {
      await ctx.sessions.setState(session.id, 'skipped', { reason: sig.reason, tokenCount: sig.tokens, processedAt: ctx.clock() });
      return { sessionId: session.externalId, status: 'skipped', reason: sig.reason, results: [], changed: false };
    }
    await ctx.sessions.setState(session.id, 'processing', { tokenCount: sig.tokens });

    const results: ExtractionOutcome['results'] = [];
    let changed = false;
    for (const cmd of sig.commands.filter((c) => c.kind === 'forget' && c.subject)) {
      const forgotten = await this.forget(scope, cmd.subject, `user asked to forget (turn ${cmd.turnId})`);
      for (const f of forgotten) results.push({ event: 'DELETE', memoryId: f.id, text: f.text, reason: 'forget command' });
      changed ||= forgotten.length > 0;
    }

    const extractor = overrides.extractor ?? ctx.extractor;
    const candidates = confidentOnly(await extractor.extract(turns));
    const vectors = candidates.length ? await ctx.embedder.embed(candidates.map((c) => c.text)) : [];
    for (const [i, candidate] of candidates.entries()) {
      const outcome = await this.apply(scope, session, extractor.id, candidate, vectors[i] as Float32Array);
      results.push(outcome);
      changed ||= outcome.event !== 'NONE';
    }
    const evicted = await this.enforceCap(scope);
    for (const e of evicted) results.push({ event: 'DELETE', memoryId: e.id, text: e.text, reason: 'evicted: over the per-user cap' });
    await ctx.sessions.setState(session.id, 'processed', { reason: sig.reason, processedAt: ctx.clock() });
    if (changed || evicted.length) await ctx.notifier.changed(scope);
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
      await ctx.memories.reinforce(dup.id, Math.max(dup.confidence, candidate.confidence));
      return { event: 'NONE', memoryId: dup.id, text: dup.text, reason: `duplicate (cos ${decision.cosine.toFixed(3)})` };
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
    if (supersede) await ctx.index.remove(scope, [supersede.id]);
    return supersede ? { event: 'UPDATE', memoryId: created.id, text: created.text, reason: `supersedes ${supersede.id}` } : { event: 'ADD', memoryId: created.id, text: created.text };
  }

  /** Nearest live memories by the index, plus any live memory filling the same slot. */
  private async neighbours(scope: MemoryScope, candidate: Candidate, vector: Float32Array): Promise<Neighbour[]> {
    const hits = await this.ctx.index.search(scope, { vector, k: 5 });
    const at = this.ctx.clock();
    const rows = await this.ctx.memories.liveByIds(scope, at, hits.map((h) => h.id), candidate.slot ? { slot: candidate.slot } : {});
    return rows
      .filter((r) => isLive(r.memory, at))
      .map((r) => ({ memory: r.memory, cosine: hits.find((h) => h.id === r.memory.id)?.cosine ?? (r.vector ? cosine(r.vector, vector) : 0) }));
  }

  private async reindex(scope: MemoryScope, rows: Array<{ id: string; text: string; vector: Float32Array | null }>): Promise<void> {
    const items = rows.flatMap((r) => (r.vector ? [{ id: r.id, vector: r.vector, text: r.text }] : []));
    if (items.length) await this.ctx.index.upsert(scope, items);
  }

  /** Soft-deletes live memories matching a "forget that …" subject (lexically or by meaning). */
  private async forget(scope: MemoryScope, subject: string, reason: string): Promise<Array<{ id: string; text: string }>> {
    const [vector] = await this.ctx.embedder.embed([subject]);
    const hits = await this.ctx.index.search(scope, { vector: vector as Float32Array, text: subject, k: 5 });
    const ids = hits.filter((h) => h.cosine >= 0.8 || (h.lexical ?? 0) >= 0.99).map((h) => h.id);
    const rows = await this.ctx.memories.liveByIds(scope, this.ctx.clock(), ids);
    await this.softDelete(scope, rows.map((r) => r.memory.id), reason, 'user');
    return rows.map((r) => ({ id: r.memory.id, text: r.memory.text }));
  }

  /**
   * Keeps a user at most `maxMemoriesPerUser` live memories (default 10,000): the domain's eviction
   * order drops the least recently retrieved first and durable facts last.
   */
  async enforceCap(scope: MemoryScope): Promise<Array<{ id: string; text: string }>> {
    const cap = this.ctx.options.maxMemoriesPerUser ?? 10_000;
    const at = this.ctx.clock();
    if ((await this.ctx.memories.countLive(scope, at)) <= cap) return [];
    const victims = evictionOrder(await this.ctx.memories.allLive(scope, at), cap);
    await this.softDelete(scope, victims.map((v) => v.id), `evicted: over the cap of ${cap} memories`, 'eviction');
    return victims.map((v) => ({ id: v.id, text: v.text }));
  }

  /** Soft delete at once (retrieval filters it) with a DELETE event; the index entry goes too; the biography goes stale. */
  async softDelete(scope: MemoryScope, ids: string[], reason: string, actor: string): Promise<number> {
    const deleted = await this.ctx.memories.softDelete(scope, ids, this.ctx.clock(), reason, actor);
    if (!deleted.length) return 0;
    await this.ctx.index.remove(scope, deleted);
    await this.ctx.biographies.markStale(scope);
    return deleted.length;
  }
}
