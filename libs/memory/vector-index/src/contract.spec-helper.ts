import { cosine } from '@frontier/platform-util';
import fc from 'fast-check';
import { DimensionMismatchError, InvalidVectorInputError, type IndexScope, type SearchHit, type VectorIndex } from './port';
import { bruteForce, randomVector, rng } from './testing.spec-helper';

export interface ContractOptions {
  /** Vector dimension the factory's index is built with (default 32). */
  dimension?: number;
  /** fast-check runs of the tenant-isolation property (default 40). */
  isolationRuns?: number;
}

/** Runs the one contract every VectorIndex adapter must pass. */
export function vectorIndexContract(name: string, factory: (dimension: number) => Promise<VectorIndex> | VectorIndex, opts: ContractOptions = {}): void {
  const dim = opts.dimension ?? 32;
  describe(`${name} — VectorIndex contract`, () => {
    let index: VectorIndex;
    let n = 0;
    const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    /** A fresh scope per test, so adapters sharing a server collection never see stale points. */
    const scope = (tag = 'u'): IndexScope => ({ tenantId: `t-${run}`, userId: `${tag}-${n++}` });
    const next = rng(42);
    const vec = (): Float32Array => randomVector(dim, next);

    beforeAll(async () => {
      index = await factory(dim);
    });
    afterAll(async () => {
      await index?.close();
    });

    async function fill(s: IndexScope, count: number, texts?: (i: number) => string): Promise<Map<string, Float32Array>> {
      const items = Array.from({ length: count }, (_, i) => ({ id: `m${i}`, vector: vec(), text: texts?.(i) }));
      await index.upsert(s, items);
      return new Map(items.map((it) => [it.id, it.vector]));
    }

    function expectMatchesBruteForce(hits: SearchHit[], expected: Array<{ id: string; cosine: number }>): void {
      expect(hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
      hits.forEach((h, i) => expect(Math.abs(h.cosine - expected[i].cosine)).toBeLessThan(1e-5));
    }

    it('returns nearest first with the true cosine (brute force to 1e-5)', async () => {
      const s = scope();
      const items = await fill(s, 200);
      for (let t = 0; t < 5; t++) {
        const q = vec();
        const hits = await index.search(s, { vector: q, k: 10 });
        expectMatchesBruteForce(hits, bruteForce(items, q, 10));
        for (const h of hits) expect(h.lexical).toBeUndefined();
      }
    });

    it('updates in place: same id, new vector, count unchanged', async () => {
      const s = scope();
      const items = await fill(s, 20);
      const v = vec();
      await index.upsert(s, [{ id: 'm3', vector: v }]);
      items.set('m3', v);
      expect(await index.count(s)).toBe(20);
      const hits = await index.search(s, { vector: v, k: 3 });
      expect(hits[0]).toMatchObject({ id: 'm3' });
      expect(hits[0].cosine).toBeCloseTo(1, 5);
      expectMatchesBruteForce(hits, bruteForce(items, v, 3));
    });

    it('removes ids (unknown ids are a no-op) and never returns them again', async () => {
      const s = scope();
      const items = await fill(s, 30);
      await index.remove(s, ['m1', 'm2', 'nope']);
      items.delete('m1');
      items.delete('m2');
      expect(await index.count(s)).toBe(28);
      const q = vec();
      const hits = await index.search(s, { vector: q, k: 30 });
      expectMatchesBruteForce(hits, bruteForce(items, q, 30));
    });

    it('invalidate drops only caches: the scope still answers with the same entries', async () => {
      const a = scope();
      const inA = await fill(a, 10);
      await index.invalidate(a);
      expect(await index.count(a)).toBe(10);
      const q = vec();
      expectMatchesBruteForce(await index.search(a, { vector: q, k: 5 }), bruteForce(inA, q, 5));
    });

    it('deleteScope empties one scope and leaves the others alone', async () => {
      const a = scope();
      const b = scope();
      await fill(a, 10);
      const inB = await fill(b, 10);
      await index.deleteScope(a);
      expect(await index.count(a)).toBe(0);
      expect(await index.search(a, { vector: vec(), k: 5 })).toEqual([]);
      expect(await index.count(b)).toBe(10);
      const q = vec();
      expectMatchesBruteForce(await index.search(b, { vector: q, k: 5 }), bruteForce(inB, q, 5));
    });

    it('counts per scope, and an unknown scope is empty', async () => {
      const s = scope();
      expect(await index.count(s)).toBe(0);
      await fill(s, 7);
      expect(await index.count(s)).toBe(7);
      expect(await index.search(scope(), { vector: vec(), k: 3 })).toEqual([]);
    });

    it('returns everything, sorted, when k exceeds the size', async () => {
      const s = scope();
      const items = await fill(s, 5);
      const q = vec();
      const hits = await index.search(s, { vector: q, k: 50 });
      expect(hits).toHaveLength(5);
      expectMatchesBruteForce(hits, bruteForce(items, q, 50));
    });

    it('honours excludeIds', async () => {
      const s = scope();
      const items = await fill(s, 40);
      const q = vec();
      const exclude = bruteForce(items, q, 3).map((h) => h.id);
      const hits = await index.search(s, { vector: q, k: 5, excludeIds: [...exclude, 'unknown'] });
      expectMatchesBruteForce(hits, bruteForce(items, q, 5, exclude));
    });

    it('hybrid: with text, a lexical-only match is found and lexical is normalised to [0, 1]', async () => {
      const s = scope();
      const words = ['coffee', 'garden', 'piano', 'tennis', 'python', 'sailing', 'chess', 'baking'];
      const items = await fill(s, 40, (i) => `I like ${words[i % words.length]} and walks number ${i}`);
      const far = vec();
      await index.upsert(s, [{ id: 'allergy', vector: far, text: 'allergic to peanuts and shellfish' }]);
      items.set('allergy', far);
      const q = vec();
      const hits = await index.search(s, { vector: q, text: 'peanuts allergy', k: 10 });
      expect(hits.map((h) => h.id)).toContain('allergy');
      for (const h of hits) {
        expect(h.lexical).toBeGreaterThanOrEqual(0);
        expect(h.lexical).toBeLessThanOrEqual(1);
      }
      expect(hits.find((h) => h.id === 'allergy')?.lexical).toBe(1);
      expect(Math.max(...hits.map((h) => h.lexical ?? 0))).toBe(1);
      for (const h of hits) expect(Math.abs(h.cosine - cosine(q, items.get(h.id) as Float32Array))).toBeLessThan(1e-5);
    });

    it('rejects a wrong dimension and non-finite values with typed errors naming the field', async () => {
      const s = scope();
      const bad = new Float32Array(dim + 1).fill(0.5);
      await expect(index.upsert(s, [{ id: 'a', vector: vec() }, { id: 'b', vector: bad }])).rejects.toThrow(DimensionMismatchError);
      await expect(index.upsert(s, [{ id: 'b', vector: bad }])).rejects.toMatchObject({ field: 'items[0].vector', expected: dim, actual: dim + 1 });
      await expect(index.search(s, { vector: bad, k: 1 })).rejects.toMatchObject({ field: 'query.vector' });
      const nan = vec();
      nan[3] = Number.NaN;
      await expect(index.upsert(s, [{ id: 'n', vector: nan }])).rejects.toThrow(InvalidVectorInputError);
      await expect(index.search(s, { vector: vec(), k: 0 })).rejects.toMatchObject({ field: 'query.k' });
      expect(await index.count(s)).toBe(0);
    });

    it('PROPERTY: no search ever returns an id upserted under another scope', async () => {
      const scopes = (p: number): IndexScope[] => [
        { tenantId: `iso-${run}-${p}-A`, userId: 'u1' },
        { tenantId: `iso-${run}-${p}-A`, userId: 'u2' },
        { tenantId: `iso-${run}-${p}-B`, userId: 'u1' },
        { tenantId: `iso-${run}-${p}-B`, userId: 'u2' },
      ];
      const op = fc.oneof(
        fc.record({ kind: fc.constant('upsert' as const), s: fc.nat(3), ids: fc.uniqueArray(fc.nat(7), { minLength: 1, maxLength: 4 }), seed: fc.nat() }),
        fc.record({ kind: fc.constant('remove' as const), s: fc.nat(3), ids: fc.uniqueArray(fc.nat(7), { minLength: 1, maxLength: 3 }) }),
        fc.record({ kind: fc.constant('drop' as const), s: fc.nat(3) }),
        fc.record({ kind: fc.constant('search' as const), s: fc.nat(3), k: fc.integer({ min: 1, max: 10 }), seed: fc.nat(), text: fc.boolean() }),
      );
      let prop = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
          const sc = scopes(prop++);
          const model = sc.map(() => new Map<string, Float32Array>());
          try {
            for (const o of ops) {
              const s = sc[o.s];
              if (o.kind === 'upsert') {
                const r = rng(o.seed);
                // the same ids in every scope, with different vectors: a leak shows in the cosine too
                const items = o.ids.map((i) => ({ id: `m${i}`, vector: randomVector(dim, r), text: `memory number ${i} scope ${o.s}` }));
                await index.upsert(s, items);
                for (const it of items) model[o.s].set(it.id, it.vector);
              } else if (o.kind === 'remove') {
                await index.remove(s, o.ids.map((i) => `m${i}`));
                for (const i of o.ids) model[o.s].delete(`m${i}`);
              } else if (o.kind === 'drop') {
                await index.deleteScope(s);
                model[o.s].clear();
              } else {
                const q = randomVector(dim, rng(o.seed));
                const hits = await index.search(s, { vector: q, k: o.k, text: o.text ? `memory scope ${(o.s + 1) % 4}` : undefined });
                expect(hits.length).toBe(Math.min(o.k, model[o.s].size));
                for (const h of hits) {
                  const mine = model[o.s].get(h.id);
                  expect(mine).toBeDefined();
                  expect(Math.abs(h.cosine - cosine(q, mine as Float32Array))).toBeLessThan(1e-5);
                }
              }
            }
            for (let i = 0; i < sc.length; i++) expect(await index.count(sc[i])).toBe(model[i].size);
          } finally {
            for (const s of sc) await index.deleteScope(s);
          }
        }),
        { numRuns: opts.isolationRuns ?? 40 },
      );
    });
  });
}
