import { SnapshotBuilder } from '@frontier/recsys-ann';
import type { CatalogRow } from '@frontier/recsys-data-access';
import { CATCH_UP_OVERLAP_MS, TenantCatalog } from './catalog';

const TENANT = '00000000-0000-4000-8000-000000000001';
const T0 = Date.UTC(2026, 11, 1);
const row = (id: string, v: number[], o: Partial<CatalogRow> = {}): CatalogRow => ({
  id,
  creator: 'cr',
  category: 'c',
  embedding: Float32Array.from(v),
  createdAt: new Date(T0),
  updatedAt: new Date(T0),
  deletedAt: null,
  ...o,
});

function snapshotOf(rows: CatalogRow[]) {
  const b = new SnapshotBuilder(3);
  for (const r of rows) b.add({ id: r.id, creator: r.creator, category: r.category, vector: r.embedding as Float32Array, createdAtMs: r.createdAt.getTime() });
  const wm = Math.max(...rows.map((r) => r.updatedAt.getTime()));
  return b.build({ buildId: 'b1', tenantId: TENANT, startedAt: new Date(wm).toISOString(), watermark: new Date(wm).toISOString() }, { m: 8, efConstruction: 20 });
}

describe('TenantCatalog', () => {
  it('without a build serves everything from the buffer; changes replace, deletions remove, the cursor follows (updated_at, id)', () => {
    const c = new TenantCatalog(TENANT, 3, null);
    expect(c.cursor).toEqual({ updatedAt: new Date(0), id: '' });
    c.apply([row('a', [1, 0, 0]), row('b', [0, 1, 0], { category: 'd', updatedAt: new Date(T0 + 1) })]);
    expect(c.size).toBe(2);
    expect(c.cursor).toEqual({ updatedAt: new Date(T0 + 1), id: 'b' });
    expect(c.search(Float32Array.of(1, 0, 0), 1)).toEqual([{ id: 'a', similarity: 1 }]);
    expect(c.entry('a')).toMatchObject({ id: 'a', category: 'c', source: 'buffer' });
    expect(Array.from(c.centroid('c') as Float32Array)).toEqual([1, 0, 0]);
    c.apply([row('a', [0, 0, 2], { category: 'd', updatedAt: new Date(T0 + 2) })]);
    expect(c.centroid('c')).toBeNull();
    expect(Array.from(c.centroid('d') as Float32Array).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0, 0.707107, 0.707107]);
    c.apply([row('b', [0, 1, 0], { category: 'd', updatedAt: new Date(T0 + 3), deletedAt: new Date(T0 + 3) })]);
    expect(c.entry('b')).toBeUndefined();
    expect(c.size).toBe(1);
    // an item without an embedding, or of another dimension, is not servable
    c.apply([row('e', [1, 1], { updatedAt: new Date(T0 + 4) }), row('f', [1, 0, 0], { embedding: null, updatedAt: new Date(T0 + 4) })]);
    expect(c.size).toBe(1);
    expect(c.skippedDimension).toBe(1);
  });

  it('over a build: rows re-read in the overlap are recognised, changed items move to the buffer, deleted ones leave the index', () => {
    const built = [row('a', [1, 0, 0]), row('b', [0, 1, 0]), row('c', [0, 0, 1], { category: 'x' })];
    const c = new TenantCatalog(TENANT, 3, snapshotOf(built));
    expect(c.cursor.updatedAt.getTime()).toBe(T0 - CATCH_UP_OVERLAP_MS);
    c.apply(built); // the overlap: what the build already holds
    expect([c.snapshot?.liveCount, c.buffer.size]).toEqual([3, 0]);
    c.apply([row('b', [0, 2, 1], { updatedAt: new Date(T0 + 10) }), row('c', [0, 0, 1], { category: 'x', updatedAt: new Date(T0 + 10), deletedAt: new Date(T0 + 10) }), row('n', [1, 1, 0], { updatedAt: new Date(T0 + 11) })]);
    expect([c.snapshot?.liveCount, c.buffer.size]).toEqual([1, 2]);
    expect(c.entry('b')?.source).toBe('buffer');
    expect(c.entry('a')?.source).toBe('index');
    expect(c.entry('c')).toBeUndefined();
    expect(c.centroid('x')).toBeNull();
    expect(c.search(Float32Array.of(0, 1, 0), 3).map((h) => h.id)).toEqual(['b', 'n', 'a']);
    expect(c.searchExact(Float32Array.of(0, 1, 0), 3).map((h) => h.id)).toEqual(['b', 'n', 'a']);
    expect(c.newest(2)).toHaveLength(2);
  });
});
