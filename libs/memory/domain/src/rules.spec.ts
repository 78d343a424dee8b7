import fc from 'fast-check';
import { Bm25Index, tokenize } from './bm25';
import { decideCandidate, resolveConflict } from './dedup';
import { evictionOrder } from './eviction';
import { mem } from './fixtures.spec-helper';
import { isLive } from './memory';
import { decayAt, fitDecay, scoreMemory, usageDiscount, curveFor } from './scoring';
import { assessSignificance, estimateTokens } from './significance';
import { DEFAULT_TYPE_POLICIES, MEMORY_TYPES } from './taxonomy';

const NOW = new Date('2026-11-24T00:00:00Z');
const DAY = 86_400_000;

describe('significance filter', () => {
  it('passes long sessions and explicit commands, drops short chit-chat', () => {
    expect(assessSignificance([{ id: 't1', role: 'user', text: 'hi there' }])).toMatchObject({ significant: false, reason: 'too-short' });
    const long = Array.from({ length: 40 }, (_, i) => ({ id: `t${i}`, role: 'user' as const, text: 'I went hiking on a long trail today with friends' }));
    expect(assessSignificance(long)).toMatchObject({ significant: true, reason: 'long-session' });
    const cmd = assessSignificance([{ id: 't9', role: 'user', text: "Please remember that I'm vegan." }]);
    expect(cmd).toMatchObject({ significant: true, reason: 'explicit-command', commands: [{ kind: 'remember', subject: "I'm vegan", turnId: 't9' }] });
    expect(assessSignificance([{ id: 't1', role: 'user', text: 'Forget that I live in Paris' }]).commands[0]).toMatchObject({ kind: 'forget', subject: 'I live in Paris' });
    expect(estimateTokens('')).toBe(0);
  });
});

describe('dedup and conflicts', () => {
  const old = mem({ text: 'I work at Acme', type: 'work', slot: 'work.employer', validAt: new Date('2025-01-01') });

  it('skips a near-duplicate, flags 0.7–0.9 of the same type as a conflict, adds the unrelated', () => {
    const c = { text: 'I like green tea', type: 'preference' as const, confidence: 0.8, turnIds: ['t2'] };
    const tea = mem({ text: 'I like tea' });
    expect(decideCandidate(c, [{ memory: tea, cosine: 0.95 }]).action).toBe('skip');
    expect(decideCandidate(c, [{ memory: tea, cosine: 0.8 }]).action).toBe('conflict');
    expect(decideCandidate(c, [{ memory: tea, cosine: 0.5 }]).action).toBe('add');
    expect(decideCandidate(c, []).action).toBe('add');
  });

  it('a same-slot fact with a new value is a conflict even when embeddings are far apart', () => {
    const c = { text: 'I work at Globex', type: 'work' as const, confidence: 0.85, slot: 'work.employer', value: 'Globex', turnIds: ['t3'] };
    expect(decideCandidate(c, [{ memory: old, cosine: 0.4 }])).toMatchObject({ action: 'conflict' });
    const same = { ...c, text: 'I work at Acme', value: 'Acme' };
    expect(decideCandidate(same, [{ memory: old, cosine: 0.93 }]).action).toBe('skip');
  });

  it('newer wins: the old fact is invalidated at the new validAt, not deleted', () => {
    const r = resolveConflict(old, { text: 'I work at Globex', type: 'work', confidence: 0.85, slot: 'work.employer', turnIds: [], validAt: new Date('2026-06-01') }, NOW);
    expect(r).toEqual({ action: 'supersede', invalidate: { id: old.id, invalidAt: new Date('2026-06-01'), expiredAt: NOW } });
    const older = resolveConflict(old, { text: 'I work at Initech', type: 'work', confidence: 0.9, slot: 'work.employer', turnIds: [], validAt: new Date('2024-01-01') }, NOW);
    expect(older.action).toBe('keep-existing');
    // related but not the same attribute: both stay
    const related = resolveConflict(old, { text: 'I work long hours', type: 'work', confidence: 0.9, turnIds: [], validAt: NOW }, NOW);
    expect(related.action).toBe('coexist');
  });

  it('durable types need more confidence to be superseded than volatile ones', () => {
    const allergy = mem({ text: "I'm allergic to peanuts", type: 'health', confidence: 0.95, slot: 'health.allergy.peanuts' });
    const weak = resolveConflict(allergy, { text: "I'm not allergic to peanuts anymore", type: 'health', confidence: 0.8, slot: 'health.allergy.peanuts', turnIds: [], validAt: NOW }, NOW);
    expect(weak).toMatchObject({ action: 'keep-existing' });
    const mood = mem({ text: 'I feel stressed', type: 'mood', confidence: 0.75, slot: 'mood.current' });
    expect(resolveConflict(mood, { text: 'I feel great', type: 'mood', confidence: 0.75, slot: 'mood.current', turnIds: [], validAt: NOW }, NOW).action).toBe('supersede');
  });

  it('property: a superseded, invalidated, expired or deleted fact is never live', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), (sup, inv, exp, del) => {
        const m = mem({ supersededBy: sup ? 'x' : null, invalidAt: inv ? new Date(NOW.getTime() - 1) : null, expiredAt: exp ? new Date(NOW.getTime() - 1) : null, deletedAt: del ? NOW : null });
        return isLive(m, NOW) === !(sup || inv || exp || del);
      }),
    );
  });
});

describe('retrieval score', () => {
  it('recency decay: ≈0.5 at 180 days and ≈0.1 at 2 years for everyday types, 1 at age 0', () => {
    const c = fitDecay(180, 730);
    expect(decayAt(c, 0)).toBeCloseTo(1, 10);
    expect(decayAt(c, 180)).toBeCloseTo(0.5, 4);
    expect(decayAt(c, 730)).toBeCloseTo(0.1, 4);
    const pref = curveFor(DEFAULT_TYPE_POLICIES.preference);
    expect(decayAt(pref, 180)).toBeCloseTo(0.5, 4);
  });

  it('property: at equal similarity, an older memory never scores higher (every type)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MEMORY_TYPES), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 3650 }), fc.integer({ min: 0, max: 3650 }), (type, cos, a, b) => {
        const s = (age: number) => scoreMemory({ memory: { type, confidence: 0.8, retrievalCount: 0, validAt: new Date(NOW.getTime() - age * DAY) }, cosine: cos }, { now: NOW }).score;
        return a <= b ? s(a) >= s(b) - 1e-12 : s(a) <= s(b) + 1e-12;
      }),
    );
  });

  it('multiplies relevance, recency, confidence and the usage discount, and explains itself', () => {
    const b = scoreMemory({ memory: { type: 'preference', confidence: 0.8, retrievalCount: 10, validAt: new Date(NOW.getTime() - 180 * DAY) }, cosine: 0.6, lexical: 1 }, { now: NOW });
    expect(b.relevance).toBeCloseTo(0.5 * 0.6 + 0.5 * 1, 10);
    expect(b.recency).toBeCloseTo(0.5, 3);
    expect(b.usage).toBeCloseTo(usageDiscount(10), 12);
    expect(b.score).toBeCloseTo(b.relevance * b.recency * b.confidence * b.usage, 12);
    expect(usageDiscount(0)).toBe(1);
    expect(usageDiscount(1e9)).toBe(0.5);
  });
});

describe('eviction', () => {
  it('least recently retrieved first, volatile before durable', () => {
    const a = mem({ id: 'a', type: 'context', lastRetrievedAt: new Date('2026-05-01') });
    const b = mem({ id: 'b', type: 'context', lastRetrievedAt: null, createdAt: new Date('2026-01-01') });
    const c = mem({ id: 'c', type: 'health', lastRetrievedAt: null, createdAt: new Date('2020-01-01') });
    expect(evictionOrder([a, b, c], 1).map((m) => m.id)).toEqual(['b', 'a']);
    expect(evictionOrder([a, b, c], 3)).toEqual([]);
  });

  it('property: never drops a durable fact while a non-durable one remains', () => {
    const arb = fc.array(fc.record({ type: fc.constantFrom(...MEMORY_TYPES), days: fc.integer({ min: 0, max: 1000 }) }), { maxLength: 40 });
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 40 }), (spec, cap) => {
        const ms = spec.map((s, i) => mem({ id: `x${i}`, type: s.type, lastRetrievedAt: new Date(NOW.getTime() - s.days * DAY) }));
        const evicted = new Set(evictionOrder(ms, cap).map((m) => m.id));
        const kept = ms.filter((m) => !evicted.has(m.id));
        const evictedDurable = ms.some((m) => evicted.has(m.id) && DEFAULT_TYPE_POLICIES[m.type].durability === 'durable');
        const keptNonDurable = kept.some((m) => DEFAULT_TYPE_POLICIES[m.type].durability !== 'durable');
        return kept.length === Math.min(ms.length, cap) && !(evictedDurable && keptNonDurable);
      }),
    );
  });
});

describe('BM25', () => {
  it('ranks by term overlap with idf, supports removal, stems simple suffixes', () => {
    const ix = new Bm25Index();
    ix.add('1', 'I adopted a dog named Rex last spring');
    ix.add('2', 'My daughter loves painting');
    ix.add('3', 'I went running with my dogs');
    expect(tokenize('Running dogs')).toEqual(['runn', 'dog']);
    expect(ix.search('dog').map((r) => r.id).sort()).toEqual(['1', '3']);
    expect(ix.search('painting daughter')[0]?.id).toBe('2');
    ix.remove('2');
    expect(ix.search('painting')).toEqual([]);
    expect(ix.size).toBe(2);
  });
});
