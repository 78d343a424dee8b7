import fc from 'fast-check';
import {
  bucketExpiresAtMs,
  bucketOf,
  bucketsAt,
  FEATURE_WINDOWS,
  foldItemEvents,
  foldUserEvents,
  ITEM_FEATURE_NAMES,
  itemVector,
  PAIR_FEATURE_NAMES,
  pairVector,
  USER_FEATURE_NAMES,
  userEventIncrements,
  userFeatures,
  userVector,
  watchDeciseconds,
  emptyBuckets,
  aggregateWindowIncrements,
  FEATURE_GRAIN_SECONDS,
  itemEventIncrements,
  type FeatureEvent,
  type GrainAggregate,
} from './features';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const MIN = 60_000;
const H = 60 * MIN;
const ev = (type: FeatureEvent['type'], atMs: number, category = 'music', watchSeconds?: number): FeatureEvent => ({ userId: 'u', itemId: 'i', category, type, atMs, ...(watchSeconds === undefined ? {} : { watchSeconds }) });

describe('feature windows', () => {
  it('buckets tile each window and a bucket key expires exactly when it leaves the window (TTL = window)', () => {
    for (const w of FEATURE_WINDOWS) {
      const bs = bucketsAt(T0, w);
      expect(bs).toHaveLength(w.seconds / w.bucketSeconds);
      expect(bs.at(-1)).toBe(bucketOf(T0, w));
      const oldest = bs[0] as number;
      // the oldest counted bucket expires after now, the one before it has expired by now
      expect(bucketExpiresAtMs(oldest, w)).toBeGreaterThan(T0);
      expect(bucketExpiresAtMs(oldest - 1, w)).toBeLessThanOrEqual(T0);
      expect(bucketExpiresAtMs(oldest, w) - oldest * w.bucketSeconds * 1000).toBe(w.seconds * 1000);
    }
  });

  it('counts an event in every window it falls in, and drops it from each as the window passes', () => {
    const f = (now: number) => foldUserEvents([ev('click', T0)], now).windows;
    expect([f(T0)['1h'].click, f(T0)['24h'].click, f(T0)['7d'].click]).toEqual([1, 1, 1]);
    expect([f(T0 + 2 * H)['1h'].click, f(T0 + 2 * H)['24h'].click]).toEqual([0, 1]);
    expect([f(T0 + 25 * H)['24h'].click, f(T0 + 25 * H)['7d'].click]).toEqual([0, 1]);
    expect(f(T0 + 8 * 24 * H)['7d'].click).toBe(0);
    // an event from the future of the reading moment is not counted
    expect(f(T0 - MIN)['1h'].click).toBe(0);
    // increments for windows the event has already left are not even produced
    expect(userEventIncrements(ev('click', T0 - 2 * H), T0).map((i) => i.window)).toEqual(['24h', '7d']);
  });

  it('skip rate, CTR and watch-time moments per window and per category', () => {
    const events = [ev('impression', T0 - 5 * MIN), ev('impression', T0 - 4 * MIN), ev('click', T0 - 3 * MIN), ev('skip', T0 - 2 * MIN, 'news'), ev('watch', T0 - MIN, 'music', 10), ev('watch', T0 - MIN, 'music', 20.05)];
    const w = foldUserEvents(events, T0).windows['1h'];
    expect(w).toMatchObject({ impression: 2, click: 1, skip: 1, watch: 2, ctr: 0.5, skipRate: 0.25, wds: 100 + 201, wds2: 100 * 100 + 201 * 201 });
    expect(w.watchSeconds).toBeCloseTo(30.1, 10);
    expect(w.watchMean).toBeCloseTo(15.05, 10);
    expect(w.watchStd).toBeCloseTo(5.05, 10);
    expect(Object.keys(w.byCategory)).toEqual(['music', 'news']);
    expect(w.byCategory['news']).toMatchObject({ skip: 1, skipRate: 1 });
    expect(watchDeciseconds(0.05)).toBe(1);
    expect(watchDeciseconds(0.04)).toBe(0);
  });

  it('item stats summed per grain roll up into the same window counts as event by event', () => {
    for (const w of FEATURE_WINDOWS) expect(w.bucketSeconds % FEATURE_GRAIN_SECONDS).toBe(0);
    const events = [ev('impression', T0 - 3 * MIN), ev('watch', T0 - 2 * MIN, 'music', 12.34), ev('watch', T0 - 26 * H, 'music', 7)];
    const oneByOne = events.flatMap((e) => itemEventIncrements(e, T0));
    const grains = new Map<string, GrainAggregate>();
    for (const e of events) {
      const grain = Math.floor(e.atMs / 1000 / FEATURE_GRAIN_SECONDS);
      const key = `${e.type}:${grain}`;
      const a = grains.get(key) ?? { type: e.type, grain, n: 0, wds: 0, wds2: 0 };
      const ds = e.watchSeconds == null ? 0 : watchDeciseconds(e.watchSeconds);
      grains.set(key, { ...a, n: a.n + 1, wds: a.wds + ds, wds2: a.wds2 + ds * ds });
    }
    const summed = [...grains.values()].flatMap((a) => aggregateWindowIncrements(a, T0));
    const total = (incs: typeof summed) => {
      const m = new Map<string, number>();
      for (const i of incs) m.set(`${i.window}/${i.bucket}/${i.field}/${i.expiresAtMs}`, (m.get(`${i.window}/${i.bucket}/${i.field}/${i.expiresAtMs}`) ?? 0) + i.by);
      return [...m].sort();
    };
    expect(total(summed)).toEqual(total(oneByOne));
  });

  it('vectors have their names, and the pair vector reads the item category', () => {
    const f = foldUserEvents([ev('watch', T0 - MIN, 'music', 30), ev('click', T0 - MIN, 'news')], T0);
    expect(userVector(f)).toHaveLength(USER_FEATURE_NAMES.length);
    const music = pairVector(f, 'music');
    expect(music).toHaveLength(PAIR_FEATURE_NAMES.length);
    expect(music[0]).toBeCloseTo(0.5, 6);
    expect(pairVector(f, 'sports').every((x) => x === 0)).toBe(true);
    const item = foldItemEvents([ev('impression', T0 - MIN), ev('click', T0 - MIN)], [], { createdAtMs: T0 - 10 * H, creator: 'c', category: 'music' }, T0);
    expect(itemVector(item)).toHaveLength(ITEM_FEATURE_NAMES.length);
    expect(item.ageHours).toBeCloseTo(10, 10);
    expect(item.ctr).toBeCloseTo(3 / 101, 10);
  });

  it('applying increments one by one in any order gives the fold (what the Redis store does)', () => {
    const types = ['impression', 'click', 'skip', 'watch', 'purchase'] as const;
    const arb = fc.array(
      fc.record({ type: fc.constantFrom(...types), ago: fc.integer({ min: 0, max: 9 * 24 * 60 }), cat: fc.constantFrom('a', 'b', 'c'), s: fc.double({ min: 0, max: 3600, noNaN: true }) }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 1_000 }), (rows, seed) => {
        const events = rows.map((r) => ev(r.type, T0 - r.ago * MIN, r.cat, r.type === 'watch' ? r.s : undefined));
        const shuffled = [...events].sort((a, b) => ((a.atMs * 31 + seed) % 97) - ((b.atMs * 31 + seed) % 97));
        const buckets = emptyBuckets();
        for (const e of shuffled)
          for (const inc of userEventIncrements(e, T0)) {
            const h = buckets[inc.window].get(inc.bucket) ?? {};
            h[inc.field] = (h[inc.field] ?? 0) + inc.by;
            buckets[inc.window].set(inc.bucket, h);
          }
        expect(userFeatures(buckets, T0)).toEqual(foldUserEvents(events, T0));
      }),
      { numRuns: 100 },
    );
  });
});
