import { DEFAULT_RERANK_MODEL, rerankRelevance, type Memory, type MemoryType } from '@frontier/memory-domain';
import type { MemoryContext } from '../ports';
import { DEFAULT_CANDIDATE_POOL, profileItems, rankHits, wordsOf } from './ranking';

const NOW = new Date('2026-04-01T00:00:00Z');
const mem = (id: string, text: string, type: MemoryType, turn: string, session = 's1'): Memory => ({
  id,
  userId: 'u',
  text,
  type,
  confidence: 1,
  provenance: { sessionId: session, sourceHash: 'h', turnIds: [turn] },
  validAt: NOW,
  invalidAt: null,
  createdAt: NOW,
  expiredAt: null,
  supersededBy: null,
  retrievalCount: 0,
  lastRetrievedAt: null,
  deletedAt: null,
});

/** Only what rankHits reads: options, and the transcripts of sessions (pure: no database here). */
const ctxWith = (options: MemoryContext['options'], turns: Record<string, Array<{ id: string; text: string; speaker?: string }>> = {}): MemoryContext =>
  ({
    options,
    sessions: { withTurns: async (_scope: unknown, id: string) => (turns[id] ? { session: { id }, turns: turns[id]?.map((t) => ({ ...t, role: 'user' })) } : null) },
  }) as unknown as MemoryContext;

const scope = { tenantId: 't', userId: 'u' };
const fact = mem('f1', 'I work as a nurse', 'work', 't1');
const episode = mem('e1', '[8 March 2026] Ann: I work as a nurse at the county hospital', 'episode', 't1');
const other = mem('e2', '[8 March 2026] Ann: We went kayaking', 'episode', 't2');
const byId = new Map([fact, episode, other].map((m) => [m.id, m]));

describe('rankHits (the search pipeline\'s ranking, no database)', () => {
  it('one slot per source turn, the shorter item first: a fact takes the place and score of its better-ranked own episode', async () => {
    const hits = [
      { id: 'e1', cosine: 0.9, lexical: 1 },
      { id: 'f1', cosine: 0.8, lexical: 0.9 },
      { id: 'e2', cosine: 0.1, lexical: 0.1 },
      { id: 'gone', cosine: 1, lexical: 1 },
    ];
    const out = await rankHits(ctxWith({ reranker: null }), scope, hits, byId, { query: 'where does Ann work', at: NOW, limit: 10 });
    expect(out.map((r) => r.memory.id)).toEqual(['f1', 'e2']);
    expect(out[0]?.context).toBeUndefined();
    // the fact's own breakdown, but the episode's score (its place): the list stays sorted by score
    const alone = await rankHits(ctxWith({ reranker: null }), scope, hits.filter((h) => h.id !== 'f1'), byId, { query: 'where does Ann work', at: NOW, limit: 10 });
    expect(alone.map((r) => r.memory.id)).toEqual(['e1', 'e2']);
    expect(out[0]?.breakdown.score).toBe(alone[0]?.breakdown.score);
    expect(out[0]?.breakdown.cosine).toBe(0.8);
    expect((out[0]?.breakdown.score ?? 0) > (out[1]?.breakdown.score ?? 0)).toBe(true);
    // a fact already ahead of its episode keeps its own score
    const ahead = await rankHits(ctxWith({ reranker: null }), scope, [{ id: 'f1', cosine: 0.95, lexical: 1 }, { id: 'e1', cosine: 0.5, lexical: 0.5 }], byId, { query: 'where does Ann work', at: NOW, limit: 10 });
    expect(ahead.map((r) => r.memory.id)).toEqual(['f1']);
    expect(ahead[0]?.breakdown.cosine).toBe(0.95);
    // the default (the learned re-ranker) keeps one slot for t1 too
    const dflt = await rankHits(ctxWith({}), scope, [
      { id: 'e1', cosine: 0.9, lexical: 1 },
      { id: 'f1', cosine: 0.8, lexical: 0.9 },
      { id: 'e2', cosine: 0.1, lexical: 0.1 },
    ], byId, { query: 'where does Ann work', at: NOW, limit: 10 });
    expect(dflt.filter((r) => r.memory.provenance.turnIds.includes('t1'))).toHaveLength(1);
    expect(dflt.at(-1)?.memory.id).toBe('e2');
  });

  it('the learned re-ranker ranks by default: breakdown.rerank is its relevance, breakdown.relevance stays the similarity; reranker null → the blend', async () => {
    const hits = [
      { id: 'e1', cosine: 0.9, lexical: 1 },
      { id: 'e2', cosine: 0.2, lexical: 0.1 },
    ];
    const q = 'where does Ann work as a nurse';
    const out = await rankHits(ctxWith({}), scope, hits, byId, { query: q, at: NOW, limit: 10 });
    const expected = rerankRelevance([{ text: episode.text, episode: true, cosine: 0.9, lexical: 1 }, { text: other.text, episode: true, cosine: 0.2, lexical: 0.1 }], q, DEFAULT_RERANK_MODEL);
    expect(out.map((r) => r.memory.id)).toEqual(['e1', 'e2']);
    expect(out.map((r) => r.breakdown.rerank)).toEqual(expected);
    // relevance: the dense/lexical blend (0.5 / 0.5) of the index's scores, what Mem0's threshold compares
    expect(out[0]?.breakdown.relevance).toBeCloseTo(0.95, 12);
    // the score: the re-ranker's relevance × confidence × usage × the default blend (0.9 + 0.1 × decay 1: validAt = now)
    expect(out[0]?.breakdown.score).toBeCloseTo(expected[0] as number, 12);
    const older = await rankHits(ctxWith({}), scope, hits, new Map([...byId].map(([k, m]) => [k, { ...m, validAt: new Date(NOW.getTime() - 400 * 86_400_000) }])), { query: q, at: NOW, limit: 10 });
    const decay = older[0]?.breakdown.recency ?? 1;
    expect(decay).toBeLessThan(0.9);
    expect(older[0]?.breakdown.score).toBeCloseTo((expected[0] as number) * (0.9 + 0.1 * decay), 12);
    const custom = await rankHits(ctxWith({ reranker: { ...DEFAULT_RERANK_MODEL, weights: { ...DEFAULT_RERANK_MODEL.weights, cosine: -50 } } }), scope, hits, byId, { query: q, at: NOW, limit: 10 });
    expect(custom.map((r) => r.memory.id)).toEqual(['e2', 'e1']);
    const blend = await rankHits(ctxWith({ reranker: null }), scope, hits, byId, { query: q, at: NOW, limit: 10 });
    expect(blend[0]?.breakdown.rerank).toBeUndefined();
  });

  it('limit, threshold, budget', async () => {
    const hits = [
      { id: 'f1', cosine: 0.9, lexical: 1 },
      { id: 'e2', cosine: 0.5, lexical: 0.5 },
    ];
    expect((await rankHits(ctxWith({}), scope, hits, byId, { query: 'q', at: NOW, limit: 1 })).map((r) => r.memory.id)).toEqual(['f1']);
    const scored = await rankHits(ctxWith({}), scope, hits, byId, { query: 'q', at: NOW, limit: 10 });
    const cut = (scored[0]?.breakdown.score ?? 0) - 1e-9;
    expect((await rankHits(ctxWith({}), scope, hits, byId, { query: 'q', at: NOW, limit: 10, threshold: cut })).map((r) => r.memory.id)).toEqual(['f1']);
    // "I work as a nurse" = 5 words, the episode = 7
    expect((await rankHits(ctxWith({}), scope, hits, byId, { query: 'q', at: NOW, limit: 10, budgetWords: 11 })).map((r) => r.memory.id)).toEqual(['f1']);
    expect((await rankHits(ctxWith({}), scope, hits, byId, { query: 'q', at: NOW, limit: 10, budgetWords: 12 })).map((r) => r.memory.id)).toEqual(['f1', 'e2']);
    expect((await rankHits(ctxWith({}), scope, hits, byId, { query: 'q', at: NOW, limit: 10, budgetWords: 4 }))).toEqual([]);
  });

  it('the configured weights and recency policy are used', async () => {
    const hits = [
      { id: 'f1', cosine: 1, lexical: 0 },
      { id: 'e2', cosine: 0, lexical: 1 },
    ];
    const dense = await rankHits(ctxWith({ reranker: null, relevance: { dense: 1, lexical: 0 } }), scope, hits, byId, { query: 'q', at: NOW, limit: 10 });
    const lexical = await rankHits(ctxWith({ reranker: null, relevance: { dense: 0, lexical: 1 } }), scope, hits, byId, { query: 'q', at: NOW, limit: 10 });
    expect(dense.map((r) => r.memory.id)).toEqual(['f1', 'e2']);
    expect(lexical.map((r) => r.memory.id)).toEqual(['e2', 'f1']);
    const prior = await rankHits(ctxWith({ reranker: null, relevance: { dense: 1, lexical: 0 }, recency: { mode: 'prior', weight: 0.5, undecayedPast: false } }), scope, hits, byId, { query: 'q', at: NOW, limit: 10 });
    expect(prior[0]?.breakdown.score).toBeCloseTo(1 + 0.5, 12); // validAt = now: decay 1
    expect(DEFAULT_CANDIDATE_POOL).toBe(100);
    // the own-text share: 0 keeps the index's lexical score, 1 replaces it with the candidates' own BM25
    const index = await rankHits(ctxWith({ reranker: null, ownTextShare: 0 }), scope, [{ id: 'e2', cosine: 0, lexical: 0.3 }], byId, { query: 'kayaking', at: NOW, limit: 10 });
    const own = await rankHits(ctxWith({ reranker: null, ownTextShare: 1 }), scope, [{ id: 'e2', cosine: 0, lexical: 0.3 }], byId, { query: 'kayaking', at: NOW, limit: 10 });
    const dflt = await rankHits(ctxWith({ reranker: null }), scope, [{ id: 'e2', cosine: 0, lexical: 0.3 }], byId, { query: 'kayaking', at: NOW, limit: 10 });
    expect([index[0]?.breakdown.lexical, own[0]?.breakdown.lexical]).toEqual([0.3, 1]);
    expect(dflt[0]?.breakdown.lexical).toBeCloseTo(0.7 * 0.3 + 0.3, 12);
  });

  it('neighbours: attached to episodes from the session transcript when the mode says so, counted in the words', async () => {
    const ctx = ctxWith({ neighbours: 'window' }, { s1: [{ id: 't0', text: 'How was your weekend?', speaker: 'Bo' }, { id: 't2', text: 'We went kayaking' }, { id: 't3', text: 'On the lake' }] });
    const out = await rankHits(ctx, scope, [{ id: 'e2', cosine: 0.9, lexical: 1 }], byId, { query: 'kayaking', at: NOW, limit: 10 });
    expect(out[0]?.context).toEqual({ before: [{ id: 't0', text: 'Bo: How was your weekend?' }], after: [{ id: 't3', text: 'On the lake' }] });
    expect(wordsOf(out[0] as never)).toBe(7 + 5 + 3);
    const none = await rankHits(ctxWith({ neighbours: 'none' }), scope, [{ id: 'e2', cosine: 0.9, lexical: 1 }], byId, { query: 'kayaking', at: NOW, limit: 10 });
    expect(none[0]?.context).toBeUndefined();
    expect(wordsOf(none[0] as never)).toBe(7);
  });
});

describe('profileItems', () => {
  const sick = mem('e3', '[1 March 2026] I have asthma, so winter runs are hard', 'episode', 't3');
  const allergy = mem('e4', "[1 March 2026] I'm allergic to shellfish", 'episode', 't4');
  const healthFact = mem('f2', 'I have asthma', 'health', 't3');
  it('facts pass (the profile block screens their types); episodes on a sensitive topic only for a query about it', () => {
    expect(profileItems([fact, other, sick, healthFact], 'music tonight?').map((m) => m.id)).toEqual(['f1', 'e2', 'f2']);
    expect(profileItems([sick], 'is running in the cold bad for my asthma?').map((m) => m.id)).toEqual(['e3']);
    expect(profileItems([allergy], 'suggest a dinner').map((m) => m.id)).toEqual(['e4']);
    expect(profileItems([allergy], 'music tonight?')).toEqual([]);
    expect(profileItems([sick], 'suggest a dinner')).toEqual([]);
  });
});
