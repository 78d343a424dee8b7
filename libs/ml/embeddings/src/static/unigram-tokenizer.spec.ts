import { readFileSync } from 'node:fs';
import { PARAPHRASE_ROWS } from '../__fixtures__/paraphrase-pairs';
import { UseModelRunner } from '../use/use-model';
import { useVocabularyPath } from './static-embedder';
import { UnigramTokenizer, type VocabEntry } from './unigram-tokenizer';

jest.setTimeout(60_000);

describe('UnigramTokenizer (USE-lite’s SentencePiece, ported)', () => {
  const vocabulary = JSON.parse(readFileSync(useVocabularyPath(), 'utf8')) as VocabEntry[];
  const ours = new UnigramTokenizer(vocabulary);
  // the package's own tokenizer, inside the real model
  let reference: { encode(text: string): number[] };
  beforeAll(async () => {
    const runner = await UseModelRunner.load();
    reference = { encode: (t) => runner.tokenize(t) };
  });

  it('gives exactly the ids @energetic-ai/embeddings gives, on prose and on edge cases', () => {
    const texts = [
      ...PARAPHRASE_ROWS.flatMap((r) => [r.anchor, r.paraphrase, r.unrelated]),
      'naïve café — 東京 😀 emoji ﬁ ligature',
      '   leading and  double  spaces ',
      'x',
      'UPPER lower 123 4.5% $9.99 e-mail@example.com',
      'I’m “quoted” and it’s fine… really?!',
      '\u0000\u0001 control',
      'supercalifragilisticexpialidocious antidisestablishmentarianism',
    ];
    for (const t of texts) expect([t, ours.encode(t)]).toEqual([t, reference.encode(t)]);
    expect(ours.size).toBe(8000);
  });

  it('splits known words into one piece and unknown scripts into merged unknowns', () => {
    expect(ours.encode('the')).toEqual([vocabulary.findIndex((v) => v[0] === '\u2581the')]);
    expect(ours.encode('')).toEqual([]);
    const ids = ours.encode('東京');
    expect(ids.filter((i) => i === 0).length).toBeLessThanOrEqual(1); // consecutive unknowns merged
  });
});
