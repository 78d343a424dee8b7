import { writeFileSync } from 'node:fs';
import { writeGguf, type GgufTensor } from './gguf-writer';

/**
 * A tiny llama-architecture GGUF for tests (1.3 MB, no download): one layer, a SentencePiece-style
 * vocabulary (control tokens, 256 byte-fallback tokens, printable ASCII, a few whole phrases), and
 * weights that are random where it does not matter and designed where it does:
 *
 * - token embeddings are one-hot, and the attention and feed-forward weights are small random
 *   values, so the hidden state stays ≈ the current token's one-hot vector;
 * - the output matrix therefore acts as a bigram table: `next(t)` scores every token after `t`.
 *
 * With a JSON-schema grammar masking what may come next, greedy decoding then writes a short,
 * deterministic value (e.g. `{"facts":[{"fact":"I like tea","confidence":0.9,…}]}`) instead of
 * wandering until maxTokens. Random weights everywhere would load and decode just as well; they
 * would only make the output's length a matter of chance.
 */
export interface TinyModelOptions {
  /** Whole phrases added to the vocabulary (spaces as ▁ inside), ranked first inside strings. */
  phrases?: readonly string[];
  /** Seed of the random weights. */
  seed?: number;
  contextLength?: number;
}

const SPACE = '\u2581';

/** A linear congruential generator (Numerical Recipes' constants): the same model file on every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
}

export interface TinyModel {
  bytes: Buffer;
  vocab: readonly string[];
}

export function buildTinyModel(options: TinyModelOptions = {}): TinyModel {
  const phrases = (options.phrases ?? ['I like tea']).map((p) => p.replace(/ /g, SPACE));
  const rand = rng(options.seed ?? 42);
  const noise = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);

  // vocabulary: <unk>, <s>, </s>, <0x00>…<0xFF>, printable ASCII (space as ▁), phrases
  const vocab: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [2, 3, 3];
  for (let b = 0; b < 256; b++) {
    vocab.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  vocab.push(SPACE);
  types.push(1);
  for (let c = 0x21; c < 0x7f; c++) {
    vocab.push(String.fromCharCode(c));
    types.push(1);
  }
  for (const p of phrases) {
    vocab.push(p);
    types.push(1);
  }
  const V = vocab.length;
  const id = (tok: string) => {
    const i = vocab.indexOf(tok);
    if (i < 0) throw new Error(`no token ${tok}`);
    return i;
  };
  const E = Math.ceil(V / 32) * 32; // embedding width ≥ vocabulary: one-hot embeddings
  const HEAD = 8;
  const FF = 32;

  // bigram scores: a general ranking, and a few "after this, that" overrides
  const general = ['"', ...phrases, '0', 'p', 'I', 'a', 't', 'e'].map(id);
  const overrides: Record<string, string[]> = { '[': ['{'], '}': [']', '</s>'], '0': ['.'], '.': ['9'], '9': [','], p: ['r'] };
  const score = (prev: number, next: number): number => {
    const o = overrides[vocab[prev] as string]?.indexOf(vocab[next] as string) ?? -1;
    if (o >= 0) return 20 - o;
    const g = general.indexOf(next);
    if (g >= 0) return 10 - 0.5 * g;
    if (types[next] === 1 && vocab[next] !== SPACE) return 0; // other printable characters
    return -10; // whitespace, bytes, control tokens
  };
  const scale = Math.sqrt(E); // RMS norm of a one-hot vector scales it by √E
  const output = new Float32Array(V * E);
  for (let next = 0; next < V; next++) for (let prev = 0; prev < V; prev++) output[next * E + prev] = score(prev, next) / scale;
  const embeddings = new Float32Array(V * E);
  for (let t = 0; t < V; t++) embeddings[t * E + t] = 1;
  const ones = (n: number) => new Float32Array(n).fill(1);

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [E, V], data: embeddings },
    { name: 'output_norm.weight', dims: [E], data: ones(E) },
    { name: 'output.weight', dims: [E, V], data: output },
    { name: 'blk.0.attn_norm.weight', dims: [E], data: ones(E) },
    { name: 'blk.0.attn_q.weight', dims: [E, HEAD], data: noise(E * HEAD, 0.01) },
    { name: 'blk.0.attn_k.weight', dims: [E, HEAD], data: noise(E * HEAD, 0.01) },
    { name: 'blk.0.attn_v.weight', dims: [E, HEAD], data: noise(E * HEAD, 0.001) },
    { name: 'blk.0.attn_output.weight', dims: [HEAD, E], data: noise(HEAD * E, 0.001) },
    { name: 'blk.0.ffn_norm.weight', dims: [E], data: ones(E) },
    { name: 'blk.0.ffn_gate.weight', dims: [E, FF], data: noise(E * FF, 0.01) },
    { name: 'blk.0.ffn_up.weight', dims: [E, FF], data: noise(E * FF, 0.001) },
    { name: 'blk.0.ffn_down.weight', dims: [FF, E], data: noise(FF * E, 0.001) },
  ];
  const u32 = (value: number) => ({ type: 'u32' as const, value });
  const bytes = writeGguf(
    {
      'general.architecture': { type: 'string', value: 'llama' },
      'general.name': { type: 'string', value: 'frontier-tiny-test' },
      'general.file_type': u32(0),
      'llama.context_length': u32(options.contextLength ?? 4096),
      'llama.embedding_length': u32(E),
      'llama.block_count': u32(1),
      'llama.feed_forward_length': u32(FF),
      'llama.attention.head_count': u32(1),
      'llama.attention.head_count_kv': u32(1),
      'llama.attention.key_length': u32(HEAD),
      'llama.attention.value_length': u32(HEAD),
      'llama.rope.dimension_count': u32(HEAD),
      'llama.attention.layer_norm_rms_epsilon': { type: 'f32', value: 1e-5 },
      'llama.vocab_size': u32(V),
      'tokenizer.ggml.model': { type: 'string', value: 'llama' },
      'tokenizer.ggml.tokens': { type: 'string[]', value: vocab },
      'tokenizer.ggml.scores': { type: 'f32[]', value: vocab.map((t, i) => (types[i] === 1 ? -t.length : 0)) },
      'tokenizer.ggml.token_type': { type: 'i32[]', value: types },
      'tokenizer.ggml.bos_token_id': u32(1),
      'tokenizer.ggml.eos_token_id': u32(2),
      'tokenizer.ggml.unknown_token_id': u32(0),
      'tokenizer.ggml.add_bos_token': { type: 'bool', value: true },
      'tokenizer.ggml.add_eos_token': { type: 'bool', value: false },
    },
    tensors,
  );
  return { bytes, vocab };
}

/** Writes the tiny model to `path` and returns the path. */
export function writeTinyModel(path: string, options: TinyModelOptions = {}): string {
  writeFileSync(path, buildTinyModel(options).bytes);
  return path;
}
