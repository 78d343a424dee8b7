import { estimateTextCounter, type TextCounter } from './counter';
import { memoizeCounter } from './memo';
import { tiktokenCounter } from './tiktoken';

/** A real counter that also records which texts reached it. */
function recording(): TextCounter & { seen: string[] } {
  const seen: string[] = [];
  return { name: 'recording', seen, count: (t) => (seen.push(t), estimateTextCounter.count(t)) };
}

describe('memoizeCounter', () => {
  const long = (c: string) => c.repeat(40);

  it('returns the wrapped counter’s counts and name, counting each long text once', () => {
    const inner = recording();
    const memo = memoizeCounter(inner);
    expect(memo.name).toBe('recording');
    expect(memo.count(long('a'))).toBe(10);
    expect(memo.count(long('a'))).toBe(10);
    expect(memo.count('short')).toBe(2);
    expect(memo.count('short')).toBe(2);
    expect(inner.seen).toEqual([long('a'), 'short', 'short']);
    expect(memo.size).toBe(1);
    const o200k = memoizeCounter(tiktokenCounter('o200k_base'));
    const text = 'The context assembler is the budget manager of the multimodal gateway.';
    expect(o200k.count(text)).toBe(tiktokenCounter('o200k_base').count(text));
  });

  it('forgets the least recently used text beyond maxEntries', () => {
    const inner = recording();
    const memo = memoizeCounter(inner, 2);
    memo.count(long('a'));
    memo.count(long('b'));
    memo.count(long('a')); // a is now the most recent
    memo.count(long('c')); // evicts b
    expect(memo.size).toBe(2);
    memo.count(long('a'));
    memo.count(long('b'));
    expect(inner.seen).toEqual([long('a'), long('b'), long('c'), long('b')]);
    memo.clear();
    expect(memo.size).toBe(0);
    expect(() => memoizeCounter(inner, 0)).toThrow(RangeError);
  });
});
