import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTinyEncoder, type TinyEncoderSpec } from './tiny-onnx';
import { TINY_WORDS, tinyTokenizerConfig, tinyTokenizerJson } from './tiny-tokenizer';

export interface TinyModelDir {
  dir: string;
  table: Float32Array;
  types?: Float32Array;
  hidden: number;
  remove(): void;
}

/**
 * Writes a sentence-transformers style directory (model.onnx, tokenizer.json, optional
 * tokenizer_config.json and 1_Pooling/config.json) with the tiny random-weight encoder.
 */
export function makeTinyModelDir(opts: { hidden?: number; tokenTypes?: boolean; tokenizerConfig?: boolean; pooling?: 'mean' | 'cls'; modelMaxLength?: number } = {}): TinyModelDir {
  const hidden = opts.hidden ?? 8;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tiny-st-'));
  const spec: TinyEncoderSpec = { vocabSize: TINY_WORDS.length, hidden, tokenTypes: opts.tokenTypes ?? true };
  const { bytes, table, types } = buildTinyEncoder(spec);
  writeFileSync(path.join(dir, 'model.onnx'), bytes);
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tinyTokenizerJson()));
  if (opts.tokenizerConfig ?? true) writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tinyTokenizerConfig(opts.modelMaxLength)));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: hidden, max_position_embeddings: 512 }));
  if (opts.pooling) {
    mkdirSync(path.join(dir, '1_Pooling'));
    writeFileSync(path.join(dir, '1_Pooling', 'config.json'), JSON.stringify({ word_embedding_dimension: hidden, pooling_mode_cls_token: opts.pooling === 'cls', pooling_mode_mean_tokens: opts.pooling === 'mean' }));
  }
  return { dir, table, types, hidden, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
