/** Feeds one LoCoMo conversation through the real pipeline: storeSession + processSession per session. */
import type { MemoryScope } from '@frontier/memory-contracts';
import type { BenchMemory as MemoryDeps } from './bench-memory';
import type { LocomoConversation } from './locomo-data';

export interface IngestStats {
  sessions: number;
  skipped: number;
  added: number;
  superseded: number;
  duplicates: number;
  /** Facts deleted by a forget command found in the conversation (issue 10: should be 0 on LoCoMo). */
  forgotten: number;
  /** Forget commands that named no fact clearly (NONE): nothing deleted. */
  forgetRefused: number;
  ms: number;
}

/**
 * Both speakers are people, so both are stored as `user` turns (the rule-based extractor reads
 * user turns only); the turn content is the words as said, the speaker in its own field (the
 * episodic tier indexes it); the turn id is the dia_id (provenance) and every turn is dated at its
 * session's start.
 */
export async function ingestConversation(deps: MemoryDeps, scope: MemoryScope, conv: LocomoConversation, tag = ''): Promise<IngestStats> {
  const s: IngestStats = { sessions: 0, skipped: 0, added: 0, superseded: 0, duplicates: 0, forgotten: 0, forgetRefused: 0, ms: 0 };
  const t0 = performance.now();
  for (const session of conv.sessions) {
    const stored = await deps.svc.sessions.store(scope, {
      sessionId: `${tag}session_${session.n}`,
      startedAt: session.date,
      turns: session.turns.map((t) => ({ id: t.dia_id, role: 'user' as const, content: t.text, speaker: t.speaker, at: session.date })),
    });
    const out = await deps.svc.extraction.process(scope, stored.id);
    s.sessions++;
    if (out.status === 'skipped') s.skipped++;
    for (const r of out.results) {
      if (r.command === 'forget') {
        if (r.event === 'DELETE') s.forgotten++;
        else s.forgetRefused++;
        continue;
      }
      if (r.event === 'ADD' || r.event === 'UPDATE') s.added++;
      if (r.event === 'UPDATE') s.superseded++;
      if (r.event === 'NONE') s.duplicates++;
    }
  }
  s.ms = performance.now() - t0;
  return s;
}
