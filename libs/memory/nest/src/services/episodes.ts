import { createHash } from 'node:crypto';
import type { MemoryScope } from '@frontier/memory-contracts';
import { episodeEmbeddingText, episodeIndexTexts, episodesFromTurns, EPISODIC_EXTRACTOR_ID, sensitiveTopicOf, type Candidate, type SensitivePolicyName, type Turn } from '@frontier/memory-domain';
import type { MemoryContext } from '../ports';

/** What storing a session's episodes did. */
export interface EpisodeOutcome {
  /** Episodes stored now (a re-run stores none twice). */
  added: number;
  /** Turns not kept: too short, not the user's, a command, or sensitive under a `never` policy. */
  skipped: number;
}

const keyOf = (sessionId: string, c: Candidate) => createHash('sha256').update(`${sessionId}\u0000${c.type}\u0000${c.turnIds.join('\u0001')}`).digest('hex');

/**
 * The episodic tier (issue 14): every significant user turn of the session stored as an `episode`
 * memory — its date, speaker and words, the turn as provenance — with no dedup against facts (a
 * fact and its turn are collapsed at search time instead). Idempotent per (session, turn). Under a
 * tenant policy of `never`, a turn touching a sensitive topic is not kept. The lexical index gets
 * each episode with its neighbouring episodes (the same text an index rebuild computes).
 */
export async function storeEpisodes(
  ctx: MemoryContext,
  scope: MemoryScope,
  session: { id: string; sourceHash: string; startedAt: Date },
  turns: readonly Turn[],
  o: { exclude: ReadonlySet<string>; policy: SensitivePolicyName },
): Promise<EpisodeOutcome> {
  if (ctx.options.episodes === false) return { added: 0, skipped: 0 };
  const all = episodesFromTurns(turns, { excludeTurnIds: o.exclude });
  const kept = o.policy === 'never' ? all.filter((c) => sensitiveTopicOf(c) === null) : all;
  const skipped = turns.length - kept.length;
  if (!kept.length) return { added: 0, skipped };
  const turnOf = new Map(turns.map((t, i) => [t.id, { turn: t, ordinal: i }]));
  const vectors = await ctx.embedder.embed(kept.map((c) => episodeEmbeddingText(turnOf.get(c.turnIds[0] as string)?.turn ?? { text: c.text })));
  const stored: Array<{ id: string; text: string; vector: Float32Array; ordinal: number }> = [];
  let added = 0;
  for (const [i, c] of kept.entries()) {
    const key = keyOf(session.id, c);
    const vector = vectors[i] as Float32Array;
    const ordinal = turnOf.get(c.turnIds[0] as string)?.ordinal ?? i;
    const already = await ctx.memories.byCandidateKey(session.id, key);
    if (already) {
      stored.push({ id: already.memory.id, text: already.memory.text, vector: already.vector ?? vector, ordinal });
      continue;
    }
    const created = await ctx.memories.createFact(
      scope,
      { text: c.text, type: c.type, confidence: c.confidence, slot: null, sessionRowId: session.id, sourceHash: session.sourceHash, turnIds: c.turnIds, extractor: EPISODIC_EXTRACTOR_ID, embeddingModel: ctx.embedder.modelId, vector, candidateKey: key, validAt: c.validAt ?? session.startedAt },
      null,
    );
    stored.push({ id: created.id, text: created.text, vector, ordinal });
    added++;
  }
  const lexical = episodeIndexTexts(stored.map((s) => ({ id: s.id, text: s.text, sessionId: session.id, ordinal: s.ordinal })));
  await ctx.index.upsert(scope, stored.map((s) => ({ id: s.id, vector: s.vector, text: lexical.get(s.id) ?? s.text })));
  return { added, skipped };
}

/**
 * The live episodes of the turns some facts came from: a fact deleted by a forget command takes the
 * episode of its own turn with it, else the forgotten words would still be found in that turn.
 */
export async function sourceEpisodes(ctx: MemoryContext, scope: MemoryScope, facts: ReadonlyArray<{ provenance: { sessionId: string; turnIds: string[] } }>): Promise<string[]> {
  const at = ctx.clock();
  const out = new Set<string>();
  for (const sessionId of new Set(facts.map((f) => f.provenance.sessionId).filter(Boolean))) {
    const turns = new Set(facts.filter((f) => f.provenance.sessionId === sessionId).flatMap((f) => f.provenance.turnIds));
    const ids = await ctx.memories.undeletedIds(scope, { sessionRowId: sessionId });
    for (const r of await ctx.memories.liveByIds(scope, at, ids, { types: ['episode'] })) if (r.memory.provenance.turnIds.some((t) => turns.has(t))) out.add(r.memory.id);
  }
  return [...out];
}
