import { foldItemEvents, foldUserEvents, ITEM_FEATURE_NAMES, USER_FEATURE_NAMES, type FeatureEvent } from './features';
import {
  CATEGORY_BUCKETS,
  categoryBucket,
  contextModelInput,
  fnv1a32,
  itemModelInput,
  MODEL_INPUT_DIMS,
  userModelInput,
} from './model-input';

const T = Date.UTC(2026, 0, 5, 18, 30); // a Monday, 18:30 UTC
const ev = (itemId: string, category: string, type: FeatureEvent['type'], minutesAgo: number): FeatureEvent => ({ userId: 'u', itemId, category, type, atMs: T - minutesAgo * 60_000 });

describe('model inputs from the feature definition', () => {
  it('has one name per entry and the dims TwoTowerModel takes', () => {
    const f = foldUserEvents([], T);
    expect(userModelInput(f)).toHaveLength(MODEL_INPUT_DIMS.userDim);
    expect(itemModelInput(foldItemEvents([], [], null, T), 'news')).toHaveLength(MODEL_INPUT_DIMS.itemDim);
    expect(contextModelInput({ atMs: T, surface: 'home' })).toHaveLength(MODEL_INPUT_DIMS.contextDim);
    expect(MODEL_INPUT_DIMS).toEqual({ userDim: USER_FEATURE_NAMES.length + 3 * CATEGORY_BUCKETS, itemDim: ITEM_FEATURE_NAMES.length + CATEGORY_BUCKETS, contextDim: 8 });
  });

  it('the user input carries the engagement share of each category bucket per window; the item input its bucket one-hot', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c); // FNV-1a 32 test vector
    const [sport, news] = [categoryBucket('sport'), categoryBucket('news')];
    expect(sport).not.toBe(news);
    // 3 engagements with sport and 1 with news in the last hour; a skip is no engagement
    const f = foldUserEvents([ev('a', 'sport', 'click', 5), ev('b', 'sport', 'watch', 6), ev('c', 'sport', 'purchase', 7), ev('d', 'news', 'click', 8), ev('e', 'news', 'skip', 9)], T);
    const x = userModelInput(f);
    for (let w = 0; w < 3; w++) {
      const base = USER_FEATURE_NAMES.length + w * CATEGORY_BUCKETS;
      expect(x[base + sport]).toBeCloseTo(0.75, 6);
      expect(x[base + news]).toBeCloseTo(0.25, 6);
      expect(x.subarray(base, base + CATEGORY_BUCKETS).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    }
    expect(Array.from(userModelInput(foldUserEvents([], T)).subarray(USER_FEATURE_NAMES.length))).toEqual(new Array(3 * CATEGORY_BUCKETS).fill(0));
    const item = itemModelInput(foldItemEvents([], [], null, T), 'sport');
    expect(Array.from(item.subarray(ITEM_FEATURE_NAMES.length)).map((v, b) => (v ? b : -1)).filter((b) => b >= 0)).toEqual([sport]);
  });

  it('the context puts the hour and weekday on the circle (UTC) and one-hot encodes the surface bucket', () => {
    const x = contextModelInput({ atMs: Date.UTC(2026, 0, 4, 6, 0), surface: 'home' }); // Sunday 06:00
    expect(x[0]).toBeCloseTo(1, 6); // sin(2π·6/24)
    expect(x[1]).toBeCloseTo(0, 6);
    expect(x[2]).toBeCloseTo(Math.sin((2 * Math.PI * 0.25) / 7), 6);
    expect(Array.from(x.subarray(4)).reduce((s, v) => s + v, 0)).toBe(1);
    expect(x[4 + (fnv1a32('home') % 4)]).toBe(1);
  });
});
