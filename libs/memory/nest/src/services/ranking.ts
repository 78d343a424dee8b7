import type { MemoryScope } from '@frontier/memory-contracts';
import {
  attachNeighbours,
  blendOwnText,
  collapseByProvenance,
  countWords,
  DEFAULT_NEIGHBOURS,
  DEFAULT_OWN_TEXT_SHARE,
  dietaryFactForQuery,
  DEFAULT_RECENCY,
  factsBeforeTheirEpisodes,
  DEFAULT_RELEVANCE,
  episodeEmbeddingText,
  fitBudget,
  isEpisode,
  rankMemories,
  rerankCandidates,
  DEFAULT_RERANK_MODEL,
  sensitiveTopicOf,
  sensitiveTopicsOf,
  type ContextTurn,
  type Memory,
  type ScoreBreakdown,
} from '@frontier/memory-domain';
import type { MemoryContext } from '../ports';

/** Neighbour turns attached to a retrieved episode (empty unless the neighbour mode attaches some). */
export interface EpisodeContext {
  before: ContextTurn[];
  after: ContextTurn[];
}

export interface RankedMemory {
  memory: Memory;
  breakdown: ScoreBreakdown;
  context?: EpisodeContext;
}

export interface RankRequest {
  /** The query text (current turn + recent turns): decides whether decay applies (questions about the past). */
  query: string;
  at: Date;
  limit: number;
  /** Minimum final score. */
  threshold?: number;
  /** Whole items in rank order while their words (with attached neighbours) fit. */
  budgetWords?: number;
}

/** Words an item costs in a prompt: its text and the neighbours attached to it. */
export const wordsOf = (r: RankedMemory): number => countWords(r.memory.text) + [...(r.context?.before ?? []), ...(r.context?.after ?? [])].reduce((n, t) => n + countWords(t.text), 0);

/**
 * The search pipeline's ranking (issue 14), apart from how candidates are fetched and filtered:
 * score (dense + lexical relevance, recency under the configured policy, confidence, usage), the
 * threshold, one slot per source turn across facts and episodes (a fact before its own turn's episode), neighbours attached to episodes
 * when configured, then `limit` and the word budget.
 */
export async function rankHits(ctx: MemoryContext, scope: MemoryScope, hits: ReadonlyArray<{ id: string; cosine: number; lexical?: number }>, byId: ReadonlyMap<string, Memory>, r: RankRequest): Promise<RankedMemory[]> {
  const candidates = hits.flatMap((h) => {
    const memory = byId.get(h.id);
    return memory ? [{ memory, cosine: h.cosine, ...(h.lexical !== undefined ? { lexical: h.lexical } : {}) }] : [];
  });
  // tokens of a cached row's text kept beside the row (`(c) => c.memory`): the pool is not re-tokenised per search
  // relevance: the learned re-ranker by default (issue 14, rerank.ts); `reranker: null` → the dense/lexical blend with the own-text share
  const model = ctx.options.reranker === undefined ? DEFAULT_RERANK_MODEL : ctx.options.reranker;
  const blended = model ? rerankCandidates(candidates, r.query, model) : blendOwnText(candidates, r.query, (c) => c.memory.text, ctx.options.ownTextShare ?? DEFAULT_OWN_TEXT_SHARE, (c) => c.memory);
  const ranked = rankMemories(blended, {
    now: r.at,
    weights: ctx.options.relevance ?? DEFAULT_RELEVANCE,
    recency: ctx.options.recency ?? DEFAULT_RECENCY,
    query: r.query,
    ...(ctx.options.usage ? { usage: ctx.options.usage } : {}),
  }).filter((x) => r.threshold === undefined || x.breakdown.score >= r.threshold);
  // one slot per source turn, the shorter item first (issue 14, fifth pass): a fact ranked below its own turn's
  // episode takes that episode's place and score (it cites the turn in fewer words); the collapse then drops the episode
  const slots = factsBeforeTheirEpisodes(ranked);
  const collapsed = collapseByProvenance(slots.order.map((x) => {
    const episode = slots.lifted.get(x);
    return episode ? { ...x, breakdown: { ...x.breakdown, score: episode.breakdown.score } } : x;
  }));
  const mode = ctx.options.neighbours ?? DEFAULT_NEIGHBOURS;
  let out: RankedMemory[] = collapsed.slice(0, r.limit);
  if (mode !== 'none') {
    const sessions = [...new Set(out.filter((x) => isEpisode(x.memory)).map((x) => x.memory.provenance.sessionId))];
    const transcripts = new Map<string, ContextTurn[]>();
    for (const s of sessions) {
      const found = await ctx.sessions.withTurns(scope, s);
      if (found) transcripts.set(s, found.turns.map((t) => ({ id: t.id, text: episodeEmbeddingText(t) })));
    }
    out = attachNeighbours(out, {
      mode,
      query: r.query,
      locate: (x) => (isEpisode(x.memory) ? { sessionId: x.memory.provenance.sessionId, turnId: x.memory.provenance.turnIds[0] as string } : null),
      transcript: (s) => transcripts.get(s),
    }).map((a) => ({ ...a.item, context: { before: a.before, after: a.after } }));
  }
  return r.budgetWords === undefined ? out : fitBudget(out, wordsOf, r.budgetWords);
}

/** Candidates fetched from the hybrid index before ranking (LoCoMo dev at 300 words: pool 40 73.6, 100 74.1, 200 ≈ 100). */
export const DEFAULT_CANDIDATE_POOL = 100;

/**
 * What the `[User profile]` block may volunteer: facts as they are (formatProfileBlock screens
 * special-category types), and episodes only when their words touch no special-category topic or
 * the query is about that topic (a dietary health episode for a food question) — the user's own
 * words are kept like the transcript, never echoed unasked.
 */
export function profileItems(memories: readonly Memory[], query: string): Memory[] {
  const topics = sensitiveTopicsOf(query);
  return memories.filter((m) => {
    if (!isEpisode(m)) return true;
    const topic = sensitiveTopicOf(m);
    return topic === null || topics.includes(topic) || (topic === 'health' && dietaryFactForQuery(m.text, query));
  });
}
