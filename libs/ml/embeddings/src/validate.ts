import { MlInputError } from '@frontier/ml-ports';

/** Default upper bound on one text, in UTF-16 code units (~2k tokens of English). */
export const DEFAULT_MAX_CHARS = 8192;

/**
 * Checks a batch before any model sees it: a non-empty array of non-blank strings, none longer
 * than `maxChars`. Every failure is an MlInputError naming the offending field (`texts[i]`).
 */
export function validateTexts(texts: unknown, maxChars: number = DEFAULT_MAX_CHARS): asserts texts is readonly string[] {
  if (!Array.isArray(texts)) throw new MlInputError('invalid_argument', 'texts', 'must be an array of strings');
  if (texts.length === 0) throw new MlInputError('empty_input', 'texts', 'must contain at least one text');
  texts.forEach((t: unknown, i) => {
    const field = `texts[${i}]`;
    if (typeof t !== 'string') throw new MlInputError('invalid_argument', field, `must be a string, got ${t === null ? 'null' : typeof t}`);
    if (t.trim().length === 0) throw new MlInputError('empty_input', field, 'must not be empty or whitespace only');
    if (t.length > maxChars) throw new MlInputError('input_too_large', field, `is ${t.length} characters, more than the limit of ${maxChars}`);
  });
}

/** Checks a positive-integer option at construction time. */
export function positiveInt(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new MlInputError('invalid_argument', field, `must be an integer ≥ 1, got ${String(value)}`);
  return v;
}

/** Scales `v` in place to unit L2 norm (a zero vector stays zero) and returns it. */
export function l2normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}
