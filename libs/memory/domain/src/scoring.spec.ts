import fc from 'fast-check';
import { curveFor, decayAt, DEFAULT_RELEVANCE, DEFAULT_USAGE, fitDecay, scoreMemory, usageDiscount, type ScoreInput } from './scoring';
import { DEFAULT_TYPE_POLICIES } from './taxonomy';

const NOW = new Date('2026-11-24T00:00:00Z');
const DAY = 86_400_000;
const memory = (over: Partial<ScoreInput['memory']> = {}): ScoreInput['memory'] => ({ type: 'preference', confidence: 1, retrievalCount: 0, validAt: NOW, ...over });

describe('recency decay', () => {
  it('f(d) = 1 / (1 + (d / halfLife)^shape), hand-computed', () => {
    const c = { halfLifeDays: 10, shape: 2 };
    expect(decayAt(c, 0)).toBe(1);
    expect(decayAt(c, 10)).toBe(0.5);
    expect(decayAt(c, 20)).toBeCloseTo(1 / 5, 15);
    expect(decayAt(c, 5)).toBeCloseTo(1 / 1.25, 15);
    expect(decayAt({ halfLifeDays: 10, shape: 1 }, 30)).toBeCloseTo(0.25, 15);
    expect(decayAt(c, -5)).toBe(1); // a future event counts as age 0
  });

  it('fitDecay: shape = ln 9 / ln(tenth / half), so f(half) = 0.5 and f(tenth) = 0.1', () => {
    const c = fitDecay(10, 30);
    expect(c.halfLifeDays).toBe(10);
    expect(c.shape).toBeCloseTo(2, 14);
    expect(decayAt(c, 30)).toBeCloseTo(0.1, 14);
  });

  it('fitDecay rejects 0 < halfLife < tenthLife violations', () => {
    for (const [h, t] of [
      [0, 10],
      [-1, 10],
      [10, 10],
      [10, 5],
      [NaN, 10],
      [10, NaN],
    ]) {
      expect(() => fitDecay(h, t)).toThrow(new RangeError('need 0 < halfLife < tenthLife'));
    }
    expect(() => fitDecay(1e-9, 1e-8)).not.toThrow();
  });

  it('curveFor fits each policy once and tells policies apart', () => {
    const pref = curveFor(DEFAULT_TYPE_POLICIES.preference);
    expect(curveFor(DEFAULT_TYPE_POLICIES.preference)).toBe(pref);
    expect(pref).toEqual(fitDecay(180, 730));
    const mood = curveFor(DEFAULT_TYPE_POLICIES.mood);
    expect(mood).toEqual(fitDecay(7, 30));
    expect(curveFor({ ...DEFAULT_TYPE_POLICIES.mood, tenthLifeDays: 60 })).toEqual(fitDecay(7, 60));
  });
});

describe('usageDiscount', () => {
  it('max(floor, 1 / (1 + strength · ln(1 + retrievals))), hand-computed', () => {
    expect(DEFAULT_USAGE).toEqual({ strength: 0.15, floor: 0.5 });
    expect(usageDiscount(0)).toBe(1);
    expect(usageDiscount(10)).toBeCloseTo(0.7354648477431126, 15);
    expect(usageDiscount(3, { strength: 1, floor: 0 })).toBeCloseTo(1 / (1 + Math.log(4)), 15);
    expect(usageDiscount(3, { strength: 1, floor: 0.6 })).toBe(0.6);
    expect(usageDiscount(1e9)).toBe(0.5);
    expect(usageDiscount(-5)).toBe(1);
  });

  it('property: never above 1, never below the floor, non-increasing in retrievals', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const dLo = usageDiscount(lo);
        const dHi = usageDiscount(hi);
        return dLo <= 1 && dHi >= DEFAULT_USAGE.floor && dHi <= dLo;
      }),
    );
  });
});

describe('scoreMemory', () => {
  it('without a lexical score, relevance is the cosine clipped at 0', () => {
    const b = scoreMemory({ memory: memory(), cosine: 0.6 }, { now: NOW });
    expect(b).toEqual({ score: 0.6, relevance: 0.6, cosine: 0.6, lexical: 0, recency: 1, ageDays: 0, confidence: 1, usage: 1 });
    expect(scoreMemory({ memory: memory(), cosine: -0.3 }, { now: NOW })).toMatchObject({ score: 0, relevance: 0, cosine: 0 });
  });

  it('with a lexical score, relevance is the weighted mean of cosine and lexical (lexical clipped to [0, 1])', () => {
    expect(DEFAULT_RELEVANCE).toEqual({ dense: 0.5, lexical: 0.5 });
    expect(scoreMemory({ memory: memory(), cosine: 0.6, lexical: 0.4 }, { now: NOW }).relevance).toBeCloseTo(0.5, 15);
    expect(scoreMemory({ memory: memory(), cosine: 0, lexical: 1 }, { now: NOW }).relevance).toBeCloseTo(0.5, 15);
    const weights = { dense: 3, lexical: 1 };
    expect(scoreMemory({ memory: memory(), cosine: 0.6, lexical: 0.2 }, { now: NOW, weights }).relevance).toBeCloseTo((3 * 0.6 + 0.2) / 4, 15);
    expect(scoreMemory({ memory: memory(), cosine: 0.6, lexical: 1.7 }, { now: NOW, weights }).lexical).toBe(1);
    expect(scoreMemory({ memory: memory(), cosine: 0.6, lexical: -0.2 }, { now: NOW, weights }).relevance).toBeCloseTo(0.45, 15);
    // lexical 0 given explicitly is not "no lexical score": it scales the default relevance by the dense weight
    expect(scoreMemory({ memory: memory(), cosine: 0.8, lexical: 0 }, { now: NOW }).relevance).toBeCloseTo(0.4, 15);
  });

  it('age is measured in days from validAt, clipped at 0, and uses the type’s curve', () => {
    const b = scoreMemory({ memory: memory({ validAt: new Date(NOW.getTime() - 90 * DAY) }), cosine: 1 }, { now: NOW });
    expect(b.ageDays).toBe(90);
    expect(b.recency).toBeCloseTo(0.7479651526696994, 14); // 1 / (1 + 0.5^(ln 9 / ln(730/180)))
    const mood = scoreMemory({ memory: memory({ type: 'mood', validAt: new Date(NOW.getTime() - 7 * DAY) }), cosine: 1 }, { now: NOW });
    expect(mood.recency).toBeCloseTo(0.5, 14);
    const future = scoreMemory({ memory: memory({ validAt: new Date(NOW.getTime() + 3 * DAY) }), cosine: 1 }, { now: NOW });
    expect(future).toMatchObject({ ageDays: 0, recency: 1 });
    const halfDay = scoreMemory({ memory: memory({ validAt: new Date(NOW.getTime() - DAY / 2) }), cosine: 1 }, { now: NOW });
    expect(halfDay.ageDays).toBe(0.5);
  });

  it('score = relevance × recency × confidence × usage, with the given usage settings and policy table', () => {
    const m = memory({ type: 'work', confidence: 0.8, retrievalCount: 3, validAt: new Date(NOW.getTime() - 10 * DAY) });
    const policies = { ...DEFAULT_TYPE_POLICIES, work: { ...DEFAULT_TYPE_POLICIES.work, halfLifeDays: 10, tenthLifeDays: 30 } };
    const b = scoreMemory({ memory: m, cosine: 0.5 }, { now: NOW, usage: { strength: 1, floor: 0 }, policies });
    expect(b.recency).toBeCloseTo(0.5, 14);
    expect(b.usage).toBeCloseTo(1 / (1 + Math.log(4)), 15);
    expect(b.confidence).toBe(0.8);
    expect(b.score).toBeCloseTo(0.5 * 0.5 * 0.8 * (1 / (1 + Math.log(4))), 15);
  });
});

describe('scoreMemory with the learned re-ranker', () => {
  it('rerank replaces relevance in the score; relevance stays the dense/lexical similarity', () => {
    const input = { memory: memory({ confidence: 0.5 }), cosine: 0.8, lexical: 0.4 };
    const plain = scoreMemory(input, { now: NOW });
    expect(plain).not.toHaveProperty('rerank');
    expect(plain.score).toBeCloseTo(0.6 * 0.5, 15);
    const r = scoreMemory({ ...input, rerank: 0.3 }, { now: NOW });
    expect(r.relevance).toBeCloseTo(0.6, 15);
    expect(r.rerank).toBe(0.3);
    expect(r.score).toBeCloseTo(0.3 * 0.5, 15);
  });
  it('rerank is clamped to [0, 1]; 0 is kept (not dropped as falsy)', () => {
    expect(scoreMemory({ memory: memory(), cosine: 0.5, rerank: 1.7 }, { now: NOW }).rerank).toBe(1);
    expect(scoreMemory({ memory: memory(), cosine: 0.5, rerank: -0.2 }, { now: NOW }).rerank).toBe(0);
    const z = scoreMemory({ memory: memory(), cosine: 0.5, rerank: 0 }, { now: NOW });
    expect(z.rerank).toBe(0);
    expect(z.score).toBe(0);
  });
});
