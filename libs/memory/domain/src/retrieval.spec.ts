import fc from 'fast-check';
import { asksAboutThePast, blendOwnText, collapseByProvenance, combineRecency, countWords, DEFAULT_OWN_TEXT_SHARE, DEFAULT_RECENCY, fitBudget, rankMemories, type RecencyPolicy } from './retrieval';
import type { MemoryType } from './taxonomy';
import { mem, NOW } from './retrieval.spec-helper';

const DAY = 86_400_000;
const b = (relevance: number, recency: number, confidence = 1, usage = 1) => ({ relevance, recency, confidence, usage });
const P = (mode: RecencyPolicy['mode'], weight = 0, undecayedPast = false): RecencyPolicy => ({ mode, weight, undecayedPast });

describe('combineRecency', () => {
  it('product (the seed): relevance × decay × confidence × usage, hand-computed', () => {
    expect(combineRecency(b(0.8, 0.5, 0.9, 0.5), P('product'), false)).toBeCloseTo(0.8 * 0.5 * 0.9 * 0.5, 15);
  });
  it('blend: relevance × (1 − w + w × decay)', () => {
    expect(combineRecency(b(0.8, 0.5), P('blend', 0.3), false)).toBeCloseTo(0.8 * (0.7 + 0.15), 15);
    expect(combineRecency(b(0.8, 0.5, 0.5, 0.5), P('blend', 0.3), false)).toBeCloseTo(0.2 * 0.85, 15);
    // weight 1 is the product, weight 0 is no decay
    expect(combineRecency(b(0.8, 0.25), P('blend', 1), false)).toBeCloseTo(0.2, 15);
    expect(combineRecency(b(0.8, 0.25), P('blend', 0), false)).toBeCloseTo(0.8, 15);
  });
  it('prior: relevance × confidence × usage + w × decay', () => {
    expect(combineRecency(b(0.8, 0.5, 0.5, 1), P('prior', 0.02), false)).toBeCloseTo(0.4 + 0.01, 15);
    expect(combineRecency(b(0.8, 0, 1, 0.5), P('prior', 0.1), false)).toBeCloseTo(0.4, 15);
  });
  it('off: no decay at all', () => {
    expect(combineRecency(b(0.8, 0.1, 0.5, 1), P('off', 0.5), false)).toBeCloseTo(0.4, 15);
  });
  it('undecayedPast: a question about the past is ranked without decay in every mode', () => {
    for (const mode of ['product', 'blend', 'prior'] as const) {
      expect(combineRecency(b(0.8, 0.1, 0.5, 1), P(mode, 0.3, true), true)).toBeCloseTo(0.4, 15);
      // not about the past: the mode applies
      expect(combineRecency(b(0.8, 0.1, 0.5, 1), P(mode, 0.3, true), false)).not.toBeCloseTo(0.4, 6);
    }
    // the flag off: past questions decay like any other
    expect(combineRecency(b(0.8, 0.5), P('product', 0, false), true)).toBeCloseTo(0.4, 15);
  });
  it('the prior never lets a newer memory overtake a clearly more relevant old one (gap > weight)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (rel, recOld, recNew) => {
        const w = 0.02;
        const old = combineRecency(b(Math.min(1, rel + w + 1e-9), recOld), P('prior', w), false);
        const fresh = combineRecency(b(rel, recNew), P('prior', w), false);
        return old > fresh || rel + w + 1e-9 > 1;
      }),
    );
  });
});

describe('asksAboutThePast', () => {
  it.each(['When did Caroline go to the support group?', 'What did Melanie paint last year?', 'Where was John in 2022?', 'How long ago was the trip?', 'what year did they marry', 'Who did she meet yesterday?', 'Which city had he lived in before?'])(
    'past: %s',
    (q) => expect(asksAboutThePast(q)).toBe(true),
  );
  it.each(['What is my favourite food?', 'Suggest a dinner for tonight', 'Who is my boss now?', 'whenever possible, be brief'])('not past: %s', (q) => expect(asksAboutThePast(q)).toBe(false));
});

describe('rankMemories', () => {
  it('best first by the combined score, ties by id; the breakdown score is the combined one', () => {
    const old = mem('b', { validAt: new Date(NOW.getTime() - 365 * DAY) });
    const fresh = mem('a');
    const out = rankMemories(
      [
        { memory: old, cosine: 0.9, lexical: 1 },
        { memory: fresh, cosine: 0.5, lexical: 0.5 },
      ],
      { now: NOW, recency: P('product'), weights: { dense: 0.5, lexical: 0.5 } },
    );
    // the seed's product buries a clearly more relevant year-old memory (recency ≈ 0.25)
    expect(out.map((r) => r.memory.id)).toEqual(['a', 'b']);
    const r1 = out[1]?.breakdown;
    expect(r1?.relevance).toBeCloseTo(0.95, 12);
    expect(r1?.recency).toBeCloseTo(0.248, 2);
    expect(r1?.score).toBeCloseTo(0.95 * (r1?.recency ?? 0), 12);
    expect(out[0]?.breakdown.score).toBeCloseTo(0.5, 12);
    // the prior does not
    const prior = rankMemories([{ memory: old, cosine: 0.9, lexical: 1 }, { memory: fresh, cosine: 0.5, lexical: 0.5 }], { now: NOW, recency: P('prior', 0.02), weights: { dense: 0.5, lexical: 0.5 } });
    expect(prior.map((r) => r.memory.id)).toEqual(['b', 'a']);
    expect(prior[0]?.breakdown.score).toBeCloseTo(0.95 + 0.02 * (r1?.recency ?? 0), 12);
    // ties: by id
    const tie = rankMemories([{ memory: mem('z'), cosine: 0.5 }, { memory: mem('y'), cosine: 0.5 }], { now: NOW });
    expect(tie.map((r) => r.memory.id)).toEqual(['y', 'z']);
  });

  it('the query decides undecayedPast; the default policy is DEFAULT_RECENCY', () => {
    const old = mem('old', { validAt: new Date(NOW.getTime() - 2 * 365 * DAY) });
    const input = [{ memory: old, cosine: 0.6 }];
    const past = rankMemories(input, { now: NOW, query: 'When did we meet?' })[0]?.breakdown;
    expect(past?.score).toBeCloseTo(0.6, 12);
    const present = rankMemories(input, { now: NOW, query: 'Where should we meet?' })[0]?.breakdown;
    expect(present?.score).toBeCloseTo(combineRecency({ relevance: 0.6, recency: present?.recency ?? 0, confidence: 1, usage: 1 }, DEFAULT_RECENCY, false), 12);
    expect(present?.score).not.toBeCloseTo(0.6, 6);
    const none = rankMemories(input, { now: NOW })[0]?.breakdown;
    expect(none?.score).toBeCloseTo(present?.score ?? NaN, 12);
  });

  it('lexical counts only when some candidate has it (a missing one is 0 then)', () => {
    const out = rankMemories([{ memory: mem('a'), cosine: 0.4 }, { memory: mem('b'), cosine: 0.4, lexical: 1 }], { now: NOW, recency: P('off'), weights: { dense: 0.5, lexical: 0.5 } });
    expect(out.map((r) => [r.memory.id, r.breakdown.score])).toEqual([
      ['b', 0.7],
      ['a', 0.2],
    ]);
    const dense = rankMemories([{ memory: mem('a'), cosine: 0.4 }], { now: NOW, recency: P('off') });
    expect(dense[0]?.breakdown.score).toBeCloseTo(0.4, 15);
  });
});

describe('collapseByProvenance', () => {
  const fact = (id: string, turns: string[], session = 's1', type: MemoryType = 'work') => ({ memory: mem(id, { type, provenance: { sessionId: session, sourceHash: 'h', turnIds: turns } }) });
  const ep = (id: string, turn: string, session = 's1') => fact(id, [turn], session, 'episode');

  it('a fact after its own turn\'s episode is dropped, and an episode after its fact', () => {
    expect(collapseByProvenance([ep('e1', 't1'), fact('f1', ['t1']), fact('f2', ['t2'])]).map((r) => r.memory.id)).toEqual(['e1', 'f2']);
    expect(collapseByProvenance([fact('f1', ['t1', 't3']), ep('e3', 't3'), ep('e1', 't1'), ep('e2', 't2')]).map((r) => r.memory.id)).toEqual(['f1', 'e2']);
  });
  it('two facts of one turn both stay; two episodes of different turns both stay', () => {
    expect(collapseByProvenance([fact('f1', ['t1']), fact('f2', ['t1']), ep('e2', 't2'), ep('e3', 't3')]).map((r) => r.memory.id)).toEqual(['f1', 'f2', 'e2', 'e3']);
  });
  it('the same turn id in another session is another turn', () => {
    expect(collapseByProvenance([ep('e1', 't1', 's1'), fact('f1', ['t1'], 's2')]).map((r) => r.memory.id)).toEqual(['e1', 'f1']);
  });
  it('never adds, never reorders (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 5 })), { maxLength: 20 }), (xs) => {
        const items = xs.map(([isEp, t], i) => (isEp ? ep(`m${i}`, `t${t}`) : fact(`m${i}`, [`t${t}`])));
        const out = collapseByProvenance(items);
        const idx = out.map((r) => items.indexOf(r));
        return idx.every((v, i) => i === 0 || v > (idx[i - 1] as number)) && out.length <= items.length && (items.length === 0 || out[0] === items[0]);
      }),
    );
  });
});

describe('budget', () => {
  it('countWords: whitespace-separated', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('   ')).toBe(0);
    expect(countWords('[8 May 2023] Caroline: hi  there\nyou')).toBe(7);
  });
  it('fitBudget: whole items in order; the first that would overflow ends the list', () => {
    const w = (x: number) => x;
    expect(fitBudget([100, 150, 50, 10], w, 300)).toEqual([100, 150, 50]);
    expect(fitBudget([100, 150, 60, 10], w, 300)).toEqual([100, 150]);
    expect(fitBudget([301], w, 300)).toEqual([]);
    expect(fitBudget([300], w, 300)).toEqual([300]);
    expect(fitBudget([], w, 300)).toEqual([]);
  });
  it('never exceeds the budget and keeps a prefix (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 30 }), fc.integer({ min: 0, max: 400 }), (xs, budget) => {
        const out = fitBudget(xs, (x) => x, budget);
        const sum = out.reduce((a, x) => a + x, 0);
        const next = xs[out.length];
        return sum <= budget && out.every((x, i) => x === xs[i]) && (next === undefined || sum + next > budget);
      }),
    );
  });
});

describe('blendOwnText', () => {
  const c = (text: string, lexical?: number) => ({ text, ...(lexical !== undefined ? { lexical } : {}) });
  it('share 0 (or nothing to rank) leaves the candidates as they are', () => {
    const xs = [c('kayak lake', 0.5)];
    expect(blendOwnText(xs, 'kayak', (x) => x.text, 0)).toEqual(xs);
    expect(blendOwnText([], 'kayak', (x: { text: string }) => x.text, 0.5)).toEqual([]);
    expect(blendOwnText(xs, 'kayak', (x) => x.text, Number.NaN)).toEqual(xs);
  });
  it('(1 − share) × the index score + share × own-text BM25 normalised by the pool\'s best', () => {
    // "kayak" occurs in one of three texts: only that one gets the own-text part
    const out = blendOwnText([c('we went kayaking on the lake', 1), c('the lake was cold', 1), c('nice weather today')], 'kayak', (x) => x.text, 0.2);
    expect(out.map((x) => x.lexical)).toEqual([0.8 + 0.2, 0.8, 0]);
    // two matching texts: the better one is 1, the other its BM25 ratio (between 0 and 1)
    const two = blendOwnText([c('lake lake lake', 0), c('lake and a very long text about many other things', 0), c('none')], 'lake', (x) => x.text, 0.5);
    expect(two[0]?.lexical).toBeCloseTo(0.5, 12);
    expect(two[1]?.lexical).toBeGreaterThan(0);
    expect(two[1]?.lexical).toBeLessThan(0.5);
    expect(two[2]?.lexical).toBe(0);
    expect(DEFAULT_OWN_TEXT_SHARE).toBe(0.3);
  });
  it('no word of the query in any text: only the index part remains', () => {
    expect(blendOwnText([c('alpha', 0.6)], 'omega', (x) => x.text, 0.25)[0]?.lexical).toBeCloseTo(0.45, 12);
  });
});
