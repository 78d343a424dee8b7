import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Rng } from '@frontier/platform-util';
import { ItemSnapshot, SnapshotBuilder, currentBuildId, exactTopK, unit, VectorBuffer, type RetrievalItem } from './index';

const TENANT = '00000000-0000-4000-8000-000000000001';

/** Clustered unit vectors: `clusters` centroids, each item a centroid plus noise. */
function catalogue(n: number, dim: number, clusters: number, seed = 1): RetrievalItem[] {
  const rng = new Rng(seed);
  const centroids = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, () => rng.normal()));
  return Array.from({ length: n }, (_, i) => {
    const c = i % clusters;
    return {
      id: `item-${i}`,
      creator: `creator-${i % 37}`,
      category: `cat-${c}`,
      vector: Float32Array.from(centroids[c], (x) => x + 0.6 * rng.normal()),
      createdAtMs: 1_700_000_000_000 + i,
    };
  });
}

function naiveTopK(rows: Float32Array, n: number, dim: number, q: ArrayLike<number>, k: number, skip?: Uint8Array): number[] {
  const scored: Array<[number, number]> = [];
  for (let r = 0; r < n; r++) {
    if (skip?.[r]) continue;
    let s = 0;
    for (let j = 0; j < dim; j++) s += rows[r * dim + j] * q[j];
    scored.push([r, Math.fround(s)]);
  }
  scored.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return scored.slice(0, k).map(([r]) => r);
}

describe('exactTopK', () => {
  it('equals a full sort on any input (ties: lower row first), skipping rows marked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 70 }),
        fc.integer(),
        (n, dim, k, seed) => {
          const rng = new Rng(seed >>> 0);
          // few distinct values so ties are common
          const rows = Float32Array.from({ length: n * dim }, () => rng.nextInt(3) - 1);
          const q = Float32Array.from({ length: dim }, () => rng.nextInt(3) - 1);
          const skip = Uint8Array.from({ length: n }, () => (rng.next() < 0.2 ? 1 : 0));
          const got = exactTopK(rows, n, dim, q, k, skip);
          expect(Array.from(got.labels)).toEqual(naiveTopK(rows, n, dim, q, k, skip));
          for (let i = 1; i < got.scores.length; i++) expect(got.scores[i]).toBeLessThanOrEqual(got.scores[i - 1]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('VectorBuffer', () => {
  it('upserts, replaces, removes (swap-remove keeps the others findable) and searches exactly', () => {
    const b = new VectorBuffer(3);
    const mk = (id: string, v: number[], category = 'c'): RetrievalItem => ({ id, creator: 'x', category, vector: v, createdAtMs: 1 });
    b.upsert(mk('a', [1, 0, 0]));
    b.upsert(mk('b', [0, 1, 0]));
    b.upsert(mk('c', [0, 0, 2]));
    expect(b.search([0, 0, 1], 1)).toEqual([{ id: 'c', score: 1 }]);
    b.upsert(mk('a', [0, 0, 1], 'd')); // replaced: now ties with c
    expect(b.info('a')?.category).toBe('d');
    expect(b.search([0, 0, 1], 2).map((h) => h.id)).toEqual(['a', 'c']);
    expect(b.remove('a')).toBe(true);
    expect(b.remove('a')).toBe(false);
    expect(b.size).toBe(2);
    expect(b.search([0, 1, 0], 5).map((h) => h.id)).toEqual(['b', 'c']);
    expect(b.search([0, 0, 1], 1)[0].id).toBe('c');
    expect(() => b.upsert(mk('z', [1, 2]))).toThrow('vector has 2 dimensions, the buffer 3');
    for (let i = 0; i < 100; i++) b.upsert(mk(`g${i}`, [1, i, 0]));
    expect(b.size).toBe(102);
    expect(b.search([0, 0, 1], 1)[0].id).toBe('c');
  });
});

describe('ItemSnapshot', () => {
  const dim = 16;
  const items = catalogue(3000, dim, 20);
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'recsys-ann-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const build = (its: RetrievalItem[], buildId = 'b1') => {
    const b = new SnapshotBuilder(dim, 8);
    for (const it of its) b.add(it);
    return b.build({ buildId, tenantId: TENANT, startedAt: new Date(0).toISOString(), watermark: new Date(1).toISOString() }, { m: 12, efConstruction: 64, efSearch: 64 });
  };

  it('finds what an exact search finds (recall@50 ≥ 0.95 on clustered data) and keeps the columns', () => {
    const snap = build(items);
    expect(snap.count).toBe(3000);
    expect(snap.meta).toMatchObject({ dim, count: 3000, tenantId: TENANT });
    let hit = 0;
    for (let q = 0; q < 40; q++) {
      const query = unit(items[q * 13].vector);
      const ann = new Set(snap.search(query, 50).labels);
      for (const l of snap.exact(query, 50).labels) if (ann.has(l)) hit++;
    }
    expect(hit / (40 * 50)).toBeGreaterThanOrEqual(0.95);
    const l = snap.labelOf.get('item-42') as number;
    expect([snap.id(l), snap.creator(l), snap.category(l), snap.createdAtMs(l)]).toEqual(['item-42', 'creator-5', 'cat-2', 1_700_000_000_042]);
    const centroids = snap.categoryCentroids();
    expect(centroids.size).toBe(20);
    expect(centroids.get('cat-0')?.count).toBe(150);
  });

  it('leaves removed items out of approximate and exact searches', () => {
    const snap = build(items);
    const query = unit(items[7].vector);
    const before = Array.from(snap.search(query, 5).labels, (l) => snap.id(l));
    expect(before[0]).toBe('item-7');
    expect(snap.remove('item-7')).toBe(true);
    expect(snap.remove('item-7')).toBe(false);
    expect(snap.remove('nope')).toBe(false);
    expect(snap.liveCount).toBe(2999);
    expect(Array.from(snap.search(query, 5).labels, (l) => snap.id(l))).not.toContain('item-7');
    expect(Array.from(snap.exact(query, 5).labels, (l) => snap.id(l))).not.toContain('item-7');
  });

  it('asks for no more hits than live items (hnswlib would throw), answering exactly when the walk comes up short', () => {
    const few = build(items.slice(0, 5));
    for (const id of ['item-0', 'item-1', 'item-2']) few.remove(id);
    expect(Array.from(few.search(unit(items[3].vector), 50).labels, (l) => few.id(l)).sort()).toEqual(['item-3', 'item-4']);
    const empty = build([]);
    expect(empty.search(unit(items[0].vector), 10).labels.length).toBe(0);
  });

  it('saves and loads a build (same answers), moves CURRENT atomically and keeps only the previous build', async () => {
    const a = build(items, 'build-a');
    await a.save(root);
    expect(await currentBuildId(root, TENANT)).toBe('build-a');
    const loaded = (await ItemSnapshot.load(root, TENANT)) as ItemSnapshot;
    expect(loaded.meta).toEqual(a.meta);
    const q = unit(items[99].vector);
    expect(Array.from(loaded.search(q, 20).labels)).toEqual(Array.from(a.search(q, 20).labels));
    expect(loaded.category(loaded.labelOf.get('item-99') as number)).toBe('cat-19');
    expect(Array.from(loaded.vector(5))).toEqual(Array.from(a.vector(5)));
    await build(items.slice(0, 10), 'build-b').save(root);
    await build(items.slice(0, 20), 'build-c').save(root);
    expect(await currentBuildId(root, TENANT)).toBe('build-c');
    expect((await readdir(join(root, TENANT))).sort()).toEqual(['CURRENT', 'build-b', 'build-c']);
    expect((await ItemSnapshot.load(root, TENANT))?.count).toBe(20);
    await build([], 'build-empty').save(root);
    expect((await ItemSnapshot.load(root, TENANT))?.count).toBe(0);
  });

  it('builds the same graph when yielding to the event loop on the way', async () => {
    const b = new SnapshotBuilder(dim);
    for (const it of items.slice(0, 500)) b.add(it);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const s = await b.buildAsync({ buildId: 'y', tenantId: TENANT, startedAt: new Date(0).toISOString(), watermark: null }, { m: 12, efConstruction: 64 }, 50);
    clearInterval(timer);
    expect(s.count).toBe(500);
    const sync = build(items.slice(0, 500));
    const q = unit(items[3].vector);
    expect(Array.from(s.search(q, 10).labels)).toEqual(Array.from(sync.search(q, 10).labels));
    expect(ticks).toBeGreaterThan(0);
  });

  it('answers null without a build, refuses a tenant id that is not a UUID and an item added twice', async () => {
    expect(await ItemSnapshot.load(root, '00000000-0000-4000-8000-0000000000ff')).toBeNull();
    await expect(ItemSnapshot.load(root, '../etc')).rejects.toThrow('not a tenant id');
    const b = new SnapshotBuilder(dim);
    b.add(items[0]);
    expect(() => b.add(items[0])).toThrow('item item-0 added twice');
  });
});
