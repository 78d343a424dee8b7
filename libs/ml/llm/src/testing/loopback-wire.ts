/**
 * vLLM's OpenAI-compatible JSON shapes (vLLM 0.6–0.9 `serving_chat.py`, serialised with
 * exclude_unset), built for the loopback LLM test double.
 */

export interface LoopbackUsage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
}

export interface ChunkHead {
  id: string;
  created: number;
  model: string;
}

/** vLLM's key order: id, object, created, model, then the rest. */
function frame(head: ChunkHead, object: string, rest: Record<string, unknown>): unknown {
  return { id: head.id, object, created: head.created, model: head.model, ...rest };
}

export function usageOf(promptTokens: number, completionTokens: number): LoopbackUsage {
  return { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens };
}

/** `data: …\n\n` framing of one SSE event, as vLLM writes it. */
export function sse(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

export function roleChunk(head: ChunkHead): unknown {
  return frame(head, 'chat.completion.chunk', {
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
  });
}

/** A content delta; the last one carries `finish_reason` and `stop_reason` like vLLM's. */
export function contentChunk(head: ChunkHead, content: string, finishReason: 'stop' | 'length' | null): unknown {
  const choice: Record<string, unknown> = { index: 0, delta: { content }, logprobs: null, finish_reason: finishReason };
  if (finishReason !== null) choice['stop_reason'] = null;
  return frame(head, 'chat.completion.chunk', { choices: [choice] });
}

/** The first chunk of a streamed tool call (id, name, empty arguments), as vLLM sends it. */
export function toolCallStartChunk(head: ChunkHead, id: string, name: string): unknown {
  return frame(head, 'chat.completion.chunk', {
    choices: [{ index: 0, delta: { tool_calls: [{ id, type: 'function', index: 0, function: { name, arguments: '' } }] }, logprobs: null, finish_reason: null }],
  });
}

/** A piece of a streamed tool call's arguments. */
export function toolCallArgsChunk(head: ChunkHead, args: string): unknown {
  return frame(head, 'chat.completion.chunk', { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args } }] }, logprobs: null, finish_reason: null }] });
}

/** The chunk that ends a tool-call turn. */
export function toolCallsFinishChunk(head: ChunkHead): unknown {
  return frame(head, 'chat.completion.chunk', { choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls', stop_reason: null }] });
}

export function toolCallCompletion(head: ChunkHead, id: string, name: string, args: string, usage: LoopbackUsage): unknown {
  return frame(head, 'chat.completion', {
    choices: [
      {
        index: 0,
        message: { role: 'assistant', reasoning_content: null, content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] },
        logprobs: null,
        finish_reason: 'tool_calls',
        stop_reason: null,
      },
    ],
    usage,
    prompt_logprobs: null,
  });
}

/** The `stream_options.include_usage` chunk: no choices, usage only. */
export function usageChunk(head: ChunkHead, usage: LoopbackUsage): unknown {
  return frame(head, 'chat.completion.chunk', { choices: [], usage });
}

export function completion(head: ChunkHead, content: string, finishReason: 'stop' | 'length', usage: LoopbackUsage): unknown {
  return frame(head, 'chat.completion', {
    choices: [
      {
        index: 0,
        message: { role: 'assistant', reasoning_content: null, content, tool_calls: [] },
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
      },
    ],
    usage,
    prompt_logprobs: null,
  });
}

/** vLLM's ErrorResponse body (HTTP errors, and top-level in-stream errors). */
export function errorBody(message: string, type: string, code: number): { object: 'error'; message: string; type: string; param: null; code: number } {
  return { object: 'error', message, type, param: null, code };
}

export function errorTypeFor(status: number): string {
  if (status === 400) return 'BadRequestError';
  if (status === 404) return 'NotFoundError';
  if (status === 429) return 'TooManyRequestsError';
  if (status === 503) return 'ServiceUnavailableError';
  return status >= 500 ? 'InternalServerError' : 'BadRequestError';
}

export function modelsList(model: string, created: number): unknown {
  return {
    object: 'list',
    data: [
      {
        id: model,
        object: 'model',
        created,
        owned_by: 'vllm',
        root: model,
        parent: null,
        max_model_len: 8192,
        permission: [
          {
            id: `modelperm-${model}`,
            object: 'model_permission',
            created,
            allow_create_engine: false,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
      },
    ],
  };
}
