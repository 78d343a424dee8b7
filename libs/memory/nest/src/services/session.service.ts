import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MemoryScope } from '@frontier/memory-contracts';
import { BadRequestError, ConflictError, NotFoundError, transcriptHash, type ExtractMode } from '@frontier/memory-data-access';
import { isUnavailable } from '@frontier/platform-util';
import { MEMORY_CONTEXT, type MemoryContext } from '../ports';

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
  /** How it is extracted (default `auto`); recorded with it so that every run does the same. */
  extractMode?: ExtractMode;
  /** Mem0 add's `app_id`, `metadata` (copied onto every memory it produces) and custom categories. */
  appId?: string;
  metadata?: Record<string, unknown>;
  customCategories?: Array<Record<string, string>>;
  /** Mem0 add's `expiration_date`: the invalid_at of every memory it produces. */
  expiresAt?: Date;
}

export interface StoredSession {
  id: string;
  externalId: string;
  status: string;
  created: boolean;
  sourceHash: string;
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

/** Sessions in: stored once (the transcript is the truth), then extracted off the request path. */
@Injectable()
export class SessionService {
  private readonly log = new Logger(SessionService.name);

  constructor(@Inject(MEMORY_CONTEXT) private readonly ctx: MemoryContext) {}

  /**
   * Session end: stores the transcript (idempotent per session id) and queues its extraction.
   * Posting an unprocessed session again queues it again for real (a job that spent its attempts
   * is replaced; a failed session is received once more); a processed or skipped one is not
   * queued. Once the transcript is stored, a queue that cannot be reached is not an error:
   * `queued: false`, and the reconciler queues it when the queue is back (Postgres is the truth).
   */
  async ingest(scope: MemoryScope, input: SessionInput): Promise<StoredSession & { queued: boolean }> {
    const stored = await this.store(scope, input);
    if (stored.status === 'processed' || stored.status === 'skipped') return { ...stored, queued: false };
    if (stored.status === 'failed') {
      await this.ctx.sessions.reopen(stored.id);
      stored.status = 'received';
    }
    try {
      await this.ctx.notifier.sessionStored(scope, stored.id);
    } catch (e) {
      if (!isUnavailable(e)) throw e;
      this.log.warn(`session ${stored.id} stored, not queued (${e instanceof Error ? e.message : String(e)}): the reconciler will queue it`);
      return { ...stored, queued: false };
    }
    return { ...stored, queued: true };
  }

  /**
   * Stores a session and its transcript once. The same session id with the same transcript is a
   * no-op (returns the stored one); with a different transcript it is refused (409), so a retried
   * request never duplicates and a changed one never silently rewrites history.
   */
  async store(scope: MemoryScope, input: SessionInput): Promise<StoredSession> {
    if (!input.turns.length) throw new BadRequestError('turns', 'turns must contain at least one turn');
    const turns = input.turns.map((t, i) => ({ turnId: t.id ?? `t${i}`, role: t.role, text: t.content, speaker: t.speaker ?? null, at: t.at ?? null, ordinal: i }));
    const ids = new Set<string>();
    for (const [i, t] of turns.entries()) {
      if (!t.text.trim()) throw new BadRequestError(`turns[${i}].content`, `turns[${i}].content must not be empty`);
      if (ids.has(t.turnId)) throw new BadRequestError(`turns[${i}].id`, `turns[${i}].id "${t.turnId}" is repeated`);
      ids.add(t.turnId);
    }
    const sourceHash = transcriptHash(turns);
    for (;;) {
      const existing = await this.ctx.sessions.findByExternalId(scope, input.sessionId);
      if (existing) {
        if (existing.deletedAt) throw new ConflictError('sessionId', `session ${input.sessionId} is being erased: post it again once its erasure completed`, 'session.erasing');
        if (existing.sourceHash !== sourceHash) throw new ConflictError('sessionId', `session ${input.sessionId} was already stored with a different transcript`);
        return { id: existing.id, externalId: existing.externalId, status: existing.status, created: false, sourceHash };
      }
      const startedAt = input.startedAt ?? turns.find((t) => t.at)?.at ?? this.ctx.clock();
      const row = await this.ctx.sessions.create(scope, { externalId: input.sessionId, agentId: input.agentId ?? null, sourceHash, startedAt, turns, ...(input.extractMode ? { extractMode: input.extractMode } : {}), appId: input.appId ?? null, metadata: input.metadata ?? null, customCategories: input.customCategories ?? null, expiresAt: input.expiresAt ?? null });
      // null: a concurrent identical post won the race; read what it stored
      if (row) return { id: row.id, externalId: row.externalId, status: row.status, created: true, sourceHash };
    }
  }

  /** Where a stored session is in the pipeline (received → processing → processed | skipped). */
  async status(scope: MemoryScope, externalId: string): Promise<SessionStatus> {
    const s = await this.ctx.sessions.findByExternalId(scope, externalId);
    if (!s || s.deletedAt) throw new NotFoundError('sessionId', `session ${externalId} not found`);
    const counts = await this.ctx.sessions.counts(s.id);
    return { sessionId: s.externalId, status: s.status, reason: s.reason, tokenCount: s.tokenCount, turns: counts.turns, memories: counts.memories, startedAt: s.startedAt, processedAt: s.processedAt };
  }
}
