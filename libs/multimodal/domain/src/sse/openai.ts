/**
 * OpenAI's streaming and error wire shapes (Chat Completions), so the official `openai` SDK reads
 * the gateway's stream unchanged, and the parser for errors an upstream (vLLM) sends in-stream.
 */

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string | null;
  tool_calls?: ToolCallDelta[];
  refusal?: string | null;
}

export interface ChunkChoice {
  index: number;
  delta: ChunkDelta;
  logprobs: null;
  finish_reason: FinishReason | null;
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number; audio_tokens?: number };
}

/** One `chat.completion.chunk`; with `stream_options.include_usage` the last one has `choices: []` and the usage. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint?: string;
  choices: ChunkChoice[];
  usage?: CompletionUsage | null;
}

export interface ChunkInit {
  id: string;
  /** Unix seconds. */
  created: number;
  model: string;
  systemFingerprint?: string;
}

/** A chunk with one choice (index 0). */
export function completionChunk(init: ChunkInit, delta: ChunkDelta, finishReason: FinishReason | null = null): ChatCompletionChunk {
  return {
    id: init.id,
    object: 'chat.completion.chunk',
    created: init.created,
    model: init.model,
    ...(init.systemFingerprint === undefined ? {} : { system_fingerprint: init.systemFingerprint }),
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The final usage chunk of an `include_usage` stream: no choices, the usage. */
export function usageChunk(init: ChunkInit, usage: CompletionUsage): ChatCompletionChunk {
  return {
    id: init.id,
    object: 'chat.completion.chunk',
    created: init.created,
    model: init.model,
    ...(init.systemFingerprint === undefined ? {} : { system_fingerprint: init.systemFingerprint }),
    choices: [],
    usage,
  };
}

/** OpenAI's error types (the `type` field). */
export type OpenAiErrorType = 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'rate_limit_error' | 'server_error' | 'api_error';

export interface OpenAiErrorBody {
  message: string;
  type: OpenAiErrorType | (string & {});
  param: string | null;
  code: string | null;
}

export interface OpenAiErrorResponse {
  error: OpenAiErrorBody;
}

/** `{error: {message, type, param, code}}` as OpenAI's API returns it (param null when not given). */
export function openAiError(type: OpenAiErrorType, code: string | null, message: string, param?: string | null): OpenAiErrorResponse {
  return { error: { message, type, param: param ?? null, code } };
}

/** The OpenAI error type for an HTTP status. */
export function errorTypeForStatus(status: number): OpenAiErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** vLLM / OpenAI-SDK exception names and OpenAI types → HTTP status. */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  badrequesterror: 400,
  invalid_request_error: 400,
  authenticationerror: 401,
  authentication_error: 401,
  permissiondeniederror: 403,
  permission_error: 403,
  notfounderror: 404,
  not_found_error: 404,
  rate_limit_error: 429,
  ratelimiterror: 429,
  internalservererror: 500,
  server_error: 500,
  api_error: 500,
  serviceunavailableerror: 503,
};

const OPENAI_TYPES = new Set<string>(['invalid_request_error', 'authentication_error', 'permission_error', 'not_found_error', 'rate_limit_error', 'server_error', 'api_error']);

export interface UpstreamError {
  /** The HTTP status the error deserves (vLLM's numeric code, else from its type; 500 when unknown). */
  status: number;
  error: OpenAiErrorBody;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Recognises an error an OpenAI-compatible upstream put in its stream or body, in any of the
 * shapes vLLM has used: `data: {"error": {"message", "type": "BadRequestError", "param", "code": 400}}`
 * (streamed on an HTTP 200), `{"error": {"object": "error", …}}`, and the bare
 * `{"object": "error", "message": …, "type": …, "code": 400}`. Takes the SSE data line
 * (with or without `data:`), its JSON text, or the parsed value; returns null for anything that
 * is not an error (a normal chunk, `[DONE]`, unparsable text). The result is OpenAI's error shape:
 * `type` from the status, a string `code` kept, vLLM's numeric code dropped (it is the status).
 */
export function parseUpstreamError(input: unknown): UpstreamError | null {
  let value: unknown = input;
  if (typeof input === 'string') {
    const text = input.trim().replace(/^data:\s?/, '').trim();
    if (!text.startsWith('{')) return null;
    try {
      value = JSON.parse(text) as unknown;
    } catch {
      return null;
    }
  }
  if (!isRecord(value)) return null;
  let e: Record<string, unknown>;
  if (isRecord(value['error'])) e = value['error'];
  else if (typeof value['error'] === 'string') e = { message: value['error'] };
  else if (value['object'] === 'error') e = value;
  else return null;

  const rawType = typeof e['type'] === 'string' ? e['type'] : '';
  const numericCode = typeof e['code'] === 'number' ? e['code'] : typeof e['status'] === 'number' ? e['status'] : undefined;
  const status =
    numericCode !== undefined && Number.isInteger(numericCode) && numericCode >= 400 && numericCode <= 599 ? numericCode : (STATUS_BY_TYPE[rawType.toLowerCase()] ?? 500);
  const message = typeof e['message'] === 'string' && e['message'] ? e['message'] : 'The upstream model server reported an error.';
  return {
    status,
    error: {
      message,
      type: OPENAI_TYPES.has(rawType) ? rawType : errorTypeForStatus(status),
      param: typeof e['param'] === 'string' ? e['param'] : null,
      code: typeof e['code'] === 'string' ? e['code'] : null,
    },
  };
}
