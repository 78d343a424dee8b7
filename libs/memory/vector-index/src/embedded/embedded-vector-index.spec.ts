import { vectorIndexContract } from '../contract.spec-helper';
import type { IndexItem, IndexScope, SearchHit, SearchQuery, VectorIndex } from '../port';
import { scopeKey, VectorIndexStateError } from '../port';
import { bruteForce, randomVector, rng } from '../testing.spec-helper';
import { EmbeddedVectorIndex } from './embedded-vector-index';

/**
 * Stands for Postgres: the caller writes here first, then to the index (as the app does), and
 * the loader reads it back for users the LRU evicted.
 */
class SourceOfTruth {
  readonly rows = new Map<string, Map<string, IndexItem>>();
  loads = 0;
  loader = async (scope: IndexScope): Promise<IndexItem[]> => {
    this.loads++;
    await new Promise((r) => setTimeout(r, 1));
    return [...(this.rows.get(scopeKey(scope))?.values() ?? [])];
  };
  user(scope: IndexScope): Map<string, IndexItem> {
    let m = this.rows.get(scopeKey(scope));
    if (!m) this.rows.set(scopeKey(scope), (m = new Map()));
    return m;
  }
}

/** The app's write path: source of truth first, then the derived index. */
class WriteThrough implements VectorIndex {
  readonly name: string;
  readonly dimension: number;
  constructor(
    readonly inner: EmbeddedVectorIndex,
    readonly db: SourceOfTruth,
  ) {
    this.name = inner.name;
    this.dimension = inner.dimension;
  }
  async upsert(scope: IndexScope, items: IndexItem[]): Promise<void> {
    await this.inner.upsert(scope, items);
    for (const it of items) this.db.user(scope).set(it.id, it);
  }
  async remove(scope: IndexScope, ids: string[]): Promise<void> {
    for (const id of ids) this.db.user(scope).delete(id);
    await this.inner.remove(scope, ids);
  }
  search(scope: IndexScope, q: SearchQuery): Promise<SearchHit[]> {
    return this.inner.search(scope, q);
  }
  async deleteScope(scope: IndexScope): Promise<void> {
    this.db.rows.delete(scopeKey(scope));
    await this.inner.deleteScope(scope);
  }
  invalidate(scope: IndexScope): Promise<void> {
    return this.inner.invalidate(scope);
  }
  count(scope: IndexScope): Promise<number> {
    return this.inner.count(scope);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

vectorIndexContract('EmbeddedVectorIndex (exact)', (dimension) => new EmbeddedVectorIndex({ dimension, nativeScanMin: Infinity }));
vectorIndexContract('EmbeddedVectorIndex (exact, native brute-force scan from 1 vector)', (dimension) => new EmbeddedVectorIndex({ dimension, nativeScanMin: 1 }));
vectorIndexContract('EmbeddedVectorIndex (HNSW, exactThreshold 16)', (dimension) => new EmbeddedVectorIndex({ dimension, exactThreshold: 16 }));
vectorIndexContract('EmbeddedVectorIndex (LRU of 2 users, loader rebuild)', (dimension) => {
  const db = new SourceOfTruth();
  return new WriteThrough(new EmbeddedVectorIndex({ dimension, maxUsers: 2, loader: db.loader }), db);
});

describe('EmbeddedVectorIndex', () => {
  const dim = 32;
  const alice: IndexScope = { tenantId: 't1', userId: 'alice' };
  const bob: IndexScope = { tenantId: 't1', userId: 'bob' };

  it('HNSW: recall@10 >= 0.95 against brute force on 3,000 random vectors, then survives deletions and a rebuild', async () => {
    const next = rng(7);
    const index = new EmbeddedVectorIndex({ dimension: dim, exactThreshold: 500, hnsw: { efSearch: 64 } });
    const items = new Map<string, Float32Array>();
    const batch = Array.from({ length: 3000 }, (_, i) => ({ id: `m${i}`, vector: randomVector(dim, next) }));
    await index.upsert(alice, batch);
    for (const it of batch) items.set(it.id, it.vector);
    expect(index.modeOf(alice)).toBe('hnsw');
    const recall = async (): Promise<number> => {
      let found = 0;
      const queries = 100;
      for (let t = 0; t < queries; t++) {
        const q = randomVector(dim, next);
        const truth = new Set(bruteForce(items, q, 10).map((h) => h.id));
        const hits = await index.search(alice, { vector: q, k: 10 });
        found += hits.filter((h) => truth.has(h.id)).length;
      }
      return found / (queries * 10);
    };
    expect(await recall()).toBeGreaterThanOrEqual(0.95);
    // delete 40% → marked deleted, then a rebuild drops them
    const gone = batch.slice(0, 1200).map((b) => b.id);
    await index.remove(alice, gone);
    for (const id of gone) items.delete(id);
    expect(await index.count(alice)).toBe(1800);
    expect(index.modeOf(alice)).toBe('hnsw');
    expect(await recall()).toBeGreaterThanOrEqual(0.95);
    // below the threshold again: back to exact search
    await index.remove(alice, batch.slice(1200, 2600).map((b) => b.id));
    for (const b of batch.slice(1200, 2600)) items.delete(b.id);
    expect(await index.count(alice)).toBe(400);
    expect(index.modeOf(alice)).toBe('exact');
    expect(await recall()).toBe(1);
  });

  it('the native brute-force scan answers exactly like the JS scan through growth past its capacity, deletes, updates and churn', async () => {
    const next = rng(11);
    const native = new EmbeddedVectorIndex({ dimension: dim, nativeScanMin: 10 });
    const js = new EmbeddedVectorIndex({ dimension: dim, nativeScanMin: Infinity });
    const items = new Map<string, Float32Array>();
    const put = async (batch: Array<{ id: string; vector: Float32Array }>) => {
      await native.upsert(alice, batch);
      await js.upsert(alice, batch);
      for (const it of batch) items.set(it.id, it.vector);
    };
    const same = async () => {
      for (let t = 0; t < 10; t++) {
        const q = randomVector(dim, next);
        const truth = bruteForce(items, q, 50);
        const a = await native.search(alice, { vector: q, k: 50 });
        expect(a.map((h) => h.id)).toEqual(truth.map((h) => h.id));
        a.forEach((h, i) => expect(Math.abs(h.cosine - (truth[i] as { cosine: number }).cosine)).toBeLessThan(1e-5));
        const excluded = truth.slice(0, 3).map((h) => h.id);
        expect((await native.search(alice, { vector: q, k: 20, excludeIds: excluded })).map((h) => h.id)).toEqual((await js.search(alice, { vector: q, k: 20, excludeIds: excluded })).map((h) => h.id));
      }
    };
    for (let b = 0; b < 15; b++) await put(Array.from({ length: 100 }, (_, i) => ({ id: `m${b * 100 + i}`, vector: randomVector(dim, next) }))); // 1,500 > 1,024: rebuilt once full
    await same();
    const gone = [...items.keys()].slice(0, 700);
    await native.remove(alice, gone);
    await js.remove(alice, gone);
    for (const id of gone) items.delete(id);
    await put([...items.keys()].slice(0, 200).map((id) => ({ id, vector: randomVector(dim, next) }))); // updated in place
    await same();
    for (let round = 0; round < 5; round++) {
      // churn: new ids replace old ones (labels are never reused until the scan is rebuilt)
      const old = [...items.keys()].slice(0, 300);
      await native.remove(alice, old);
      await js.remove(alice, old);
      for (const id of old) items.delete(id);
      await put(Array.from({ length: 300 }, (_, i) => ({ id: `c${round}-${i}`, vector: randomVector(dim, next) })));
    }
    await same();
    expect(await native.count(alice)).toBe(800);
  });

  it('concurrent first touches of one user share one load', async () => {
    const db = new SourceOfTruth();
    const next = rng(3);
    for (let i = 0; i < 50; i++) db.user(alice).set(`m${i}`, { id: `m${i}`, vector: randomVector(dim, next) });
    const index = new EmbeddedVectorIndex({ dimension: dim, loader: db.loader, maxUsers: 10 });
    const q = randomVector(dim, next);
    const results = await Promise.all([index.count(alice), index.search(alice, { vector: q, k: 3 }), index.count(alice)]);
    expect(db.loads).toBe(1);
    expect(results[0]).toBe(50);
    expect(results[1]).toHaveLength(3);
    expect(index.stats().loads).toBe(1);
  });

  it('evicts whole least-recently-used users (by count and by bytes) and rebuilds them from the loader', async () => {
    const db = new SourceOfTruth();
    const next = rng(5);
    const users = Array.from({ length: 5 }, (_, i): IndexScope => ({ tenantId: 't', userId: `u${i}` }));
    for (const u of users) for (let i = 0; i < 100; i++) db.user(u).set(`m${i}`, { id: `m${i}`, vector: randomVector(dim, next) });
    const byCount = new EmbeddedVectorIndex({ dimension: dim, loader: db.loader, maxUsers: 3 });
    for (const u of users) await byCount.count(u);
    expect(users.map((u) => byCount.isResident(u))).toEqual([false, false, true, true, true]);
    await byCount.count(users[2]); // touch: u2 becomes most recent
    await byCount.count(users[0]); // reload u0, evicting u3 (the least recent)
    expect(users.map((u) => byCount.isResident(u))).toEqual([true, false, true, false, true]);
    expect(byCount.stats()).toMatchObject({ residentUsers: 3, loads: 6, evictions: 3 });

    const probe = new EmbeddedVectorIndex({ dimension: dim, loader: db.loader });
    await probe.count(users[0]);
    const oneUserBytes = probe.stats().approxBytes;
    expect(oneUserBytes).toBeGreaterThanOrEqual(100 * dim * 4);
    const byBytes = new EmbeddedVectorIndex({ dimension: dim, loader: db.loader, maxBytes: oneUserBytes * 2.5 });
    for (const u of users) await byBytes.count(u);
    expect(byBytes.stats().residentUsers).toBeLessThanOrEqual(2);
    expect(byBytes.stats().approxBytes).toBeLessThanOrEqual(oneUserBytes * 2.5);
    const q = randomVector(dim, next);
    const truth = new Map([...db.user(users[0])].map(([id, it]) => [id, it.vector]));
    const hits = await byBytes.search(users[0], { vector: q, k: 5 });
    expect(hits.map((h) => h.id)).toEqual(bruteForce(truth, q, 5).map((h) => h.id));
  });

  it('accepts an async-iterable loader and validates what it yields', async () => {
    const next = rng(11);
    async function* good(): AsyncIterable<IndexItem> {
      for (let i = 0; i < 3000; i++) yield { id: `m${i}`, vector: randomVector(dim, next), text: `fact ${i}` };
    }
    const index = new EmbeddedVectorIndex({ dimension: dim, loader: () => good() });
    expect(await index.count(alice)).toBe(3000);
    async function* bad(): AsyncIterable<IndexItem> {
      yield { id: 'x', vector: new Float32Array(dim + 1).fill(1) };
    }
    const broken = new EmbeddedVectorIndex({ dimension: dim, loader: () => bad() });
    await expect(broken.count(bob)).rejects.toMatchObject({ field: 'items[0].vector' });
    // a failed load is not cached: the next touch tries again
    await expect(broken.count(bob)).rejects.toMatchObject({ field: 'items[0].vector' });
  });

  it('discards a load that was in flight when the user was dropped', async () => {
    const db = new SourceOfTruth();
    db.user(alice).set('m0', { id: 'm0', vector: randomVector(dim, rng(1)) });
    const index = new EmbeddedVectorIndex({ dimension: dim, loader: db.loader, maxUsers: 5 });
    const pending = index.count(alice);
    await index.deleteScope(alice);
    db.rows.delete(scopeKey(alice));
    expect(await pending).toBe(0);
  });

  it('refuses LRU bounds without a loader, and use after close', async () => {
    expect(() => new EmbeddedVectorIndex({ dimension: dim, maxUsers: 10 })).toThrow(VectorIndexStateError);
    const index = new EmbeddedVectorIndex({ dimension: dim });
    await index.close();
    await expect(index.count(alice)).rejects.toThrow(VectorIndexStateError);
  });
});
