export { createOpenAiChatModel, type OpenAiChatModelOptions } from './openai-chat-model';
// structured-output helpers, shared with the embedded llama.cpp adapter (@frontier/ml-llama-cpp)
export { SchemaValidationError, checkJson, repairMessages, validatorFor, type JsonCheck } from './json-output';
export { validateChatRequest } from './validate';
export { SseParser, type SseEvent } from './sse';
// one `data:` payload of a chat-completions stream → its content delta, finish reason and usage
export { parseStreamChunk, toWireMessage, toWireTools, type ParsedChunk, type ToolCallDelta, type WireMessage, type WireTool } from './wire';
export { parseRetryAfter } from './http';
// Test double for tests and the demo only: a loopback OpenAI-compatible server in vLLM's wire format.
export {
  startLoopbackLlmServer,
  type LoopbackLlmServer,
  type LoopbackLlmServerOptions,
  type LoopbackFailure,
  type LoopbackChatBody,
  type LoopbackLlmStats,
} from './testing/loopback-llm-server';
export { countLoopbackPromptTokens, generatedTokens as loopbackGeneratedTokens, LOOPBACK_IMAGE_TOKENS } from './testing/loopback-tokens';
