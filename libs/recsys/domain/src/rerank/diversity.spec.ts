import fc from 'fast-check';
import { diversityRerank, mmrRerank, type DiversityItem } from './diversity';

const itemsArb = fc.array(fc.record({ creator: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), category: fc.constantFrom('x', 'y', 'z', 'w', 'v') }), {
  maxLength: 40,
});

describe('diversity re-ranker', () => {
  it('never exceeds the caps in the top N unless every remaining item would; output is a permutation', () => {
    fc.assert(
      fc.property(itemsArb, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 15 }), (items, capCr, capCat, topN) => {
        const { order, relaxedSlots } = diversityRerank(items, { topN, maxPerCreator: capCr, maxPerCategory: capCat });
        expect([...order].sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
        const head = order.slice(0, Math.min(topN, items.length));
        const strict = head.slice(0, head.length - relaxedSlots);
        const count = (key: 'creator' | 'category', idx: number[]) =>
          idx.reduce((m, i) => m.set(items[i][key], (m.get(items[i][key]) ?? 0) + 1), new Map<string, number>());
        for (const c of count('creator', strict).values()) expect(c).toBeLessThanOrEqual(capCr);
        for (const c of count('category', strict).values()) expect(c).toBeLessThanOrEqual(capCat);
        if (relaxedSlots > 0) {
          // every item left out of the strict head would have broken a cap
          const cr = count('creator', strict);
          const cat = count('category', strict);
          items.forEach((it, i) => {
            if (!strict.includes(i)) expect((cr.get(it.creator) ?? 0) >= capCr || (cat.get(it.category) ?? 0) >= capCat).toBe(true);
          });
        }
        // relative order kept among the strict picks and among the tail
        expect(strict).toEqual([...strict].sort((a, b) => a - b));
        const tail = order.slice(head.length);
        expect(tail).toEqual([...tail].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  it('example: third item of a creator is pushed below the top 10', () => {
    const items: DiversityItem[] = [
      { creator: 'a', category: 'x' },
      { creator: 'a', category: 'y' },
      { creator: 'a', category: 'z' },
      { creator: 'b', category: 'w' },
    ];
    expect(diversityRerank(items, { topN: 3 })).toEqual({ order: [0, 1, 3, 2], relaxedSlots: 0 });
  });

  it('MMR with λ = 1 is plain relevance order; lower λ skips near-duplicates', () => {
    const rel = [0.9, 0.89, 0.5];
    const emb = Float32Array.of(1, 0, 1, 0.01, 0, 1);
    expect(mmrRerank(rel, emb, 2, 3, 1)).toEqual([0, 1, 2]);
    expect(mmrRerank(rel, emb, 2, 2, 0.5)).toEqual([0, 2]);
  });
});
