import { encodingKey, Lru } from './cache';

describe('encoding cache keys and the LRU', () => {
  it('the key is the content hash plus every option that changes the encoding', () => {
    const base = { sha256: 'a'.repeat(64), maxSide: 336, ocr: false, safety: true };
    expect(encodingKey(base)).toBe(`${'a'.repeat(64)}:336:-s-`);
    expect(new Set([encodingKey(base), encodingKey({ ...base, maxSide: 168 }), encodingKey({ ...base, ocr: true }), encodingKey({ ...base, safety: false }), encodingKey({ ...base, maxSide: null }), encodingKey({ ...base, embed: true })]).size).toBe(6);
  });

  it('evicts the least recently used beyond its entries or its size', () => {
    const lru = new Lru<string>(3, 10, (v) => v.length);
    lru.set('a', 'xx');
    lru.set('b', 'xx');
    lru.set('c', 'xx');
    lru.get('a'); // a is now the most recent
    lru.set('d', 'xx');
    expect(['a', 'b', 'c', 'd'].map((k) => lru.get(k) !== undefined)).toEqual([true, false, true, true]);
    lru.set('big', 'x'.repeat(9)); // 9 + the rest > 10: older ones go
    expect(lru.get('big')).toBeDefined();
    expect(lru.size).toBe(1);
    lru.set('huge', 'x'.repeat(11)); // larger than the whole cache: not kept
    expect(lru.get('huge')).toBeUndefined();
  });
});
