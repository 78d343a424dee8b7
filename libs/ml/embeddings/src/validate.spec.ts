import { MlInputError } from '@frontier/ml-ports';
import fc from 'fast-check';
import { chunk, mapLimit } from './batching';
import { cosine } from '@frontier/platform-util';
import { l2normalize, validateTexts } from './validate';

describe('validateTexts', () => {
  const codeOf = (texts: unknown, max?: number) => {
    try {
      validateTexts(texts, max);
      return 'ok';
    } catch (e) {
      expect(e).toBeInstanceOf(MlInputError);
      return `${(e as MlInputError).code} ${(e as MlInputError).field}`;
    }
  };

  it('accepts non-empty strings within the limit and names the first bad field otherwise', () => {
    expect(codeOf(['a', 'b c'])).toBe('ok');
    expect(codeOf([])).toBe('empty_input texts');
    expect(codeOf('text')).toBe('invalid_argument texts');
    expect(codeOf(undefined)).toBe('invalid_argument texts');
    expect(codeOf(['a', '\u00a0\n'])).toBe('empty_input texts[1]');
    expect(codeOf(['a', 'b', { text: 'c' }])).toBe('invalid_argument texts[2]');
    expect(codeOf(['abcd', 'abcde'], 4)).toBe('input_too_large texts[1]');
    expect(new MlInputError('empty_input', 'texts[1]', 'must not be empty').message).toBe('texts[1]: must not be empty');
  });
});

describe('vector helpers and batching', () => {
  it('l2normalize gives unit vectors (zero stays zero) and cosine is scale-free', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 32 }), (xs) => {
        const v = l2normalize(Float32Array.from(xs));
        const n = Math.hypot(...v);
        expect(n === 0 || Math.abs(n - 1) < 1e-5).toBe(true);
      }),
    );
    expect(cosine(Float32Array.from([1, 2]), Float32Array.from([2, 4]))).toBeCloseTo(1, 6);
    expect(cosine(Float32Array.from([0, 0]), Float32Array.from([2, 4]))).toBe(0);
  });

  it('chunk and mapLimit keep order and bound the calls in flight', async () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    let live = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (x) => {
      live++;
      peak = Math.max(peak, live);
      await new Promise((r) => setTimeout(r, x));
      live--;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
