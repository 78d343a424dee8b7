import { normalizeWords, wordErrorRate } from './wer';

describe('word error rate', () => {
  it('is 0 for the same words whatever the case and punctuation', () => {
    expect(wordErrorRate('The quick, brown fox!', 'the quick brown fox').wer).toBe(0);
    expect(normalizeWords("It's 5 o'clock — isn't it?")).toEqual(["it's", '5', "o'clock", "isn't", 'it']);
  });

  it('counts substitutions, deletions and insertions over the reference length', () => {
    expect(wordErrorRate('the cat sat on the mat', 'the cat sit on the mat today')).toEqual({ wer: 2 / 6, substitutions: 1, deletions: 0, insertions: 1, referenceWords: 6 });
    expect(wordErrorRate('a b c d', 'a c d')).toEqual({ wer: 1 / 4, substitutions: 0, deletions: 1, insertions: 0, referenceWords: 4 });
    expect(wordErrorRate('a b c', '').wer).toBe(1);
    expect(wordErrorRate('a', 'x y z').wer).toBe(3);
    expect(wordErrorRate('', '').wer).toBe(0);
  });
});
