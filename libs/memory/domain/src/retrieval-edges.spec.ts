/** Edge cases of the two-tier retrieval helpers that the main specs leave open (found by StrykerJS survivors). */
import { episodeText, formatEpisodeDate, withoutDate } from './episodic';
import type { MemoryType } from './taxonomy';
import { blendOwnText, collapseByProvenance, combineRecency, DEFAULT_RECENCY, rankMemories } from './retrieval';
import { mem, NOW } from './retrieval.spec-helper';

describe('episode dates and texts', () => {
  it('names every month', () => {
    const names = Array.from({ length: 12 }, (_, m) => formatEpisodeDate(new Date(Date.UTC(2023, m, 8))));
    expect(names).toEqual(['8 January 2023', '8 February 2023', '8 March 2023', '8 April 2023', '8 May 2023', '8 June 2023', '8 July 2023', '8 August 2023', '8 September 2023', '8 October 2023', '8 November 2023', '8 December 2023']);
  });
  it("trims the speaker's name", () => {
    expect(episodeText({ text: ' hello ', speaker: '  Sam  ' })).toBe('Sam: hello');
  });
  it('drops a date prefix with or without a space after it', () => {
    expect(withoutDate('[8 May 2023]Sam: hi')).toBe('Sam: hi');
    expect(withoutDate('[8 May 2023]   Sam: hi')).toBe('Sam: hi');
    expect(withoutDate('Sam: [not a date] hi')).toBe('Sam: [not a date] hi');
  });
});

describe('rankMemories ties', () => {
  it('orders equal scores by id whatever the input order', () => {
    const ids = ['d', 'b', 'e', 'a', 'c'];
    for (const order of [ids, [...ids].reverse(), ['c', 'a', 'e', 'b', 'd']]) {
      const out = rankMemories(order.map((id) => ({ memory: mem(id), cosine: 0.5 })), { now: NOW });
      expect(out.map((r) => r.memory.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    }
  });
});

describe('blendOwnText', () => {
  it('share 0 leaves a candidate without a lexical score as it is', () => {
    const cands: Array<{ text: string; lexical?: number }> = [{ text: 'cats' }];
    const out = blendOwnText(cands, 'cats', (c) => c.text, 0);
    expect(out).toEqual([{ text: 'cats' }]);
    expect(out[0]).not.toHaveProperty('lexical');
  });
});

describe('collapseByProvenance', () => {
  it('drops a fact when any one of its turns is already held by a better-ranked episode', () => {
    const episode = { memory: { type: 'episode' as MemoryType, provenance: { sessionId: 's1', sourceHash: 'h', turnIds: ['t1'] } } };
    const fact = { memory: { type: 'context' as MemoryType, provenance: { sessionId: 's1', sourceHash: 'h', turnIds: ['t1', 't2'] } } };
    expect(collapseByProvenance([episode, fact])).toEqual([episode]);
  });
});

describe('the learned re-ranker in rankMemories', () => {
  it('a candidate with rerank is ranked by it (the similarity left in breakdown.relevance), with the recency policy on top', () => {
    const out = rankMemories(
      [
        { memory: mem('a'), cosine: 0.9, lexical: 1, rerank: 0.1 },
        { memory: mem('b'), cosine: 0.1, lexical: 0, rerank: 0.6 },
      ],
      { now: NOW, recency: { mode: 'prior', weight: 0.02, undecayedPast: true }, query: 'what does she like' },
    );
    expect(out.map((r) => r.memory.id)).toEqual(['b', 'a']);
    expect(out[0]?.breakdown.rerank).toBe(0.6);
    expect(out[0]?.breakdown.relevance).toBeCloseTo(0.05, 15);
    expect(out[0]?.breakdown.score).toBeCloseTo(0.6 + 0.02, 15);
  });
  it('combineRecency uses rerank when present, relevance otherwise', () => {
    const policy = { mode: 'product' as const, weight: 0, undecayedPast: false };
    expect(combineRecency({ relevance: 0.9, rerank: 0.2, recency: 0.5, confidence: 1, usage: 1 }, policy, false)).toBeCloseTo(0.1, 15);
    expect(combineRecency({ relevance: 0.9, recency: 0.5, confidence: 1, usage: 1 }, policy, false)).toBeCloseTo(0.45, 15);
    expect(combineRecency({ relevance: 0.9, rerank: 0, recency: 0.5, confidence: 1, usage: 1 }, policy, false)).toBe(0);
  });
});

describe('DEFAULT_RECENCY', () => {
  it('the cross-validated choice with the re-ranker: a blend of weight 0.1, questions about the past undecayed', () => {
    expect(DEFAULT_RECENCY).toEqual({ mode: 'blend', weight: 0.1, undecayedPast: true });
  });
});
