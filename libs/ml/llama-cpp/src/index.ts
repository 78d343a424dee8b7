export { createLlamaCppChatModel, toHistory, type LlamaCppChatModelOptions } from './llama-cpp-chat-model';
export { toGbnfJsonSchema } from './gbnf-schema';
export { loadNodeLlamaCpp } from './load-esm';
// Test fixtures (tests and benches only): a GGUF writer and a tiny llama model built from it.
export { writeGguf, type GgufTensor, type GgufValue } from './testing/gguf-writer';
export { buildTinyModel, writeTinyModel, type TinyModel, type TinyModelOptions } from './testing/tiny-model';
