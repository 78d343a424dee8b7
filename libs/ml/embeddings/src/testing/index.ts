/**
 * `@frontier/ml-embeddings/testing`: the labelled paraphrase set the specs and the embeddings
 * bench score encoders on. Test support only: not part of the built package.
 */
export { PARAPHRASE_ROWS, scorePairs, type PairScores, type ParaphraseRow } from '../__fixtures__/paraphrase-pairs';
export { tinyTokenizerJson, tinyTokenizerConfig, TINY_WORDS } from '../__fixtures__/tiny-tokenizer';
