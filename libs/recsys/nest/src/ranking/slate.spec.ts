import fc from 'fast-check';
import { Rng } from '@frontier/recsys-domain';
import { chooseSlate, type RankedCandidate } from './slate';

const cand = (i: number, creator = `cr${i}`, category = `cat${i}`): RankedCandidate => ({ id: `i${i}`, creator, category, score: 1 - i / 100 });

describe('chooseSlate', () => {
  it('without exploration shows the diversified top k, each with propensity 1', () => {
    // i0..i2 share a creator, i3..i5 a category: caps of 2 push i2 and i5 down
    const ranked = [cand(0, 'a'), cand(1, 'a'), cand(2, 'a'), cand(3, 'x', 'news'), cand(4, 'y', 'news'), cand(5, 'z', 'news'), cand(6), cand(7)];
    const s = chooseSlate(ranked, { k: 5, epsilon: 0, maxPerCreator: 2, maxPerCategory: 2 }, new Rng(1));
    expect(s.items.map((i) => i.id)).toEqual(['i0', 'i1', 'i3', 'i4', 'i6']);
    expect(s.greedy).toEqual(['i0', 'i1', 'i3', 'i4', 'i6']);
    expect(s.items.map((i) => [i.position, i.propensity, i.explored])).toEqual([0, 1, 2, 3, 4].map((p) => [p, 1, false]));
    expect(s.poolSize).toBe(8);
  });

  it('logs ε/n for an explored slot and 1 − ε + ε/n for an exploited one, and explores a share ε of slates', () => {
    const ranked = Array.from({ length: 20 }, (_, i) => cand(i));
    const eps = 0.3;
    const rng = new Rng(7);
    let exploredSlates = 0;
    const runs = 4000;
    for (let r = 0; r < runs; r++) {
      const s = chooseSlate(ranked, { k: 4, epsilon: eps, maxPerCreator: 2, maxPerCategory: 2 }, rng);
      for (const it of s.items) expect(it.propensity).toBe(it.explored ? eps / 20 : 1 - eps + eps / 20);
      if (s.items.some((i) => i.explored)) exploredSlates++;
    }
    // an explored slate equals the greedy one at every position with negligible probability
    expect(Math.abs(exploredSlates / runs - eps)).toBeLessThan(0.03);
  });

  it('shows distinct items, at most k, and never more than the candidates (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer(), (n, k, eps, seed) => {
        const ranked = Array.from({ length: n }, (_, i) => cand(i, `c${i % 3}`, `g${i % 4}`));
        const s = chooseSlate(ranked, { k, epsilon: eps, maxPerCreator: 2, maxPerCategory: 2 }, new Rng(seed >>> 0));
        expect(s.items).toHaveLength(Math.min(k, n));
        expect(new Set(s.items.map((i) => i.id)).size).toBe(s.items.length);
        for (const it of s.items) expect(it.propensity > 0 && it.propensity <= 1).toBe(true);
      }),
    );
  });
});
