import { SlabCache } from './slab';

describe('SlabCache', () => {
  it('keeps rows by id, version and tag, grows, and when full reuses the oldest slot', () => {
    const c = new SlabCache(2, 3, 1);
    c.set('a', 1, [1, 2], 'x');
    c.set('b', 1, [3, 4]);
    expect(Array.from(c.get('a', 1, 'x') ?? [])).toEqual([1, 2]);
    expect(c.get('a', 2, 'x')).toBeUndefined();
    expect(c.get('a', 1, 'y')).toBeUndefined();
    expect(c.peek('a')).toMatchObject({ version: 1, tag: 'x' });
    c.set('a', 2, [5, 6], 'x'); // replaced in place
    expect(Array.from(c.get('a', 2, 'x') ?? [])).toEqual([5, 6]);
    c.set('c', 1, [7, 8]);
    expect(c.size).toBe(3);
    c.set('d', 1, [9, 10]); // full: 'a' (slot 0) goes
    expect(c.size).toBe(3);
    expect(c.peek('a')).toBeUndefined();
    expect(Array.from(c.get('d', 1) ?? [])).toEqual([9, 10]);
    expect(Array.from(c.get('b', 1) ?? [])).toEqual([3, 4]);
    c.set('e', 1, [0, 0]); // then 'b'
    expect(c.peek('b')).toBeUndefined();
    expect(Array.from(c.get('c', 1) ?? [])).toEqual([7, 8]);
  });
});
