import type { FeatureStore } from '@frontier/recsys-data-access';
import { foldItemEvents, itemModelInput } from '@frontier/recsys-domain';
import { StoreRankingFeatures } from './features';

const T = Date.UTC(2026, 11, 1, 12);

/** The two FeatureStore reads the cache uses, counted; an item's CTR is the store's version (to tell reads apart). */
function fakeStore() {
  const s = { version: 1, reads: [] as string[][] };
  const store = {
    itemsVersion: async () => s.version,
    readItems: async (_t: string, ids: readonly string[], nowMs: number) => {
      s.reads.push([...ids]);
      return new Map(ids.map((id) => [id, { ...foldItemEvents([], [], null, nowMs), ctr: s.version / 100 }]));
    },
  } as unknown as FeatureStore;
  return { s, store };
}

describe('StoreRankingFeatures (item features cached per items-version)', () => {
  it('reads only unseen items; after a new item-stats run serves the old values once and re-reads them in the background', async () => {
    const { s, store } = fakeStore();
    const f = new StoreRankingFeatures(store, { versionCheckMs: 0 });
    const refs = [
      { id: 'a', category: 'news' },
      { id: 'b', category: 'sport' },
    ];
    const first = await f.items('t', refs, T);
    expect([first.ctr(0), first.ctr(1)]).toEqual([Math.fround(0.01), Math.fround(0.01)]);
    expect(Array.from(first.input(1))).toEqual(Array.from(itemModelInput({ ...foldItemEvents([], [], null, T), ctr: 0.01 }, 'sport')));
    await f.items('t', [...refs, { id: 'c', category: 'news' }], T);
    expect(s.reads).toEqual([['a', 'b'], ['c']]);

    s.version = 2;
    // the new version is learnt in the background; the call that first finds an entry stale serves
    // it as it is and queues the re-read
    const seen: number[] = [];
    for (let i = 0; i < 100 && seen.at(-1) !== Math.fround(0.02); i++) {
      seen.push((await f.items('t', refs, T)).ctr(0));
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(seen).toContain(Math.fround(0.01));
    expect(seen.at(-1)).toBe(Math.fround(0.02));
    expect(s.reads.slice(2)).toEqual([['a', 'b']]);
    expect(f.stats).toMatchObject({ itemReads: 3, staleRefreshed: 2 });
    // a changed category is a different item input: read again
    await f.items('t', [{ id: 'a', category: 'music' }], T);
    expect(s.reads.at(-1)).toEqual(['a']);
  });
});
