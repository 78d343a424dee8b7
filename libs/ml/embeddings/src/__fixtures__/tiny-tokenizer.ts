/** Test fixture: a small BERT-style WordPiece `tokenizer.json` (lower-casing, [CLS] … [SEP]). */

export const TINY_WORDS = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]',
  'the', 'a', 'cat', 'dog', 'sat', 'on', 'mat', 'rug', 'ran', 'in', 'park', 'stock', 'prices', 'fell', 'rose', 'today',
  'hello', 'world', 'quick', 'brown', 'fox', '##s', '##ed', '##ing', '.', ',', '!',
] as const;

export const TINY_VOCAB: Record<string, number> = Object.fromEntries(TINY_WORDS.map((w, i) => [w, i]));

const special = (w: string) => ({ id: TINY_VOCAB[w], content: w, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
const tok = (id: string, type_id = 0) => ({ SpecialToken: { id, type_id } });
const seq = (id: 'A' | 'B', type_id = 0) => ({ Sequence: { id, type_id } });

export function tinyTokenizerJson(): Record<string, unknown> {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [tok('[CLS]'), seq('A'), tok('[SEP]')],
      pair: [tok('[CLS]'), seq('A'), tok('[SEP]'), seq('B', 1), tok('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [TINY_VOCAB['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [TINY_VOCAB['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: TINY_VOCAB },
  };
}

export function tinyTokenizerConfig(modelMaxLength = 64): Record<string, unknown> {
  return { tokenizer_class: 'BertTokenizer', model_max_length: modelMaxLength, do_lower_case: true, pad_token: '[PAD]', cls_token: '[CLS]', sep_token: '[SEP]', unk_token: '[UNK]', mask_token: '[UNK]' };
}
