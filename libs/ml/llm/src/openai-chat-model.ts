/**
 * ChatModel over an OpenAI-compatible `/v1/chat/completions` endpoint (vLLM, Ollama, llama.cpp
 * server, OpenAI), on Node's global fetch.
 */
import {
  MlInputError,
  UpstreamError,
  type ChatChunk,
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type ChatResult,
  type JsonSchema,
  type Usage,
} from '@frontier/ml-ports';
import { AttemptSignal, backoffMs, classifyFailure, postJson, shouldRetry, sleep, type RetryPolicy } from './http';
import { checkJson, repairMessages, SchemaValidationError, schemaName, validatorFor } from './json-output';
import { SseParser } from './sse';
import { parseCompletion, parseStreamChunk, toWireMessage, toWireTools, type WireChatRequest, type WireResponseFormat } from './wire';
import { validateChatRequest } from './validate';

export interface OpenAiChatModelOptions {
  /** API root including `/v1`, e.g. `http://vllm:8000/v1`. */
  baseUrl: string;
  /** Model name sent in each request (`request.model` overrides it). */
  model: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  /** Per attempt: the whole non-streaming request; for streams, until the response headers. Default 60 000. */
  timeoutMs?: number;
  /** Streams only: the longest gap allowed between two chunks (first chunk included). Default 30 000. */
  streamIdleTimeoutMs?: number;
  /** Retries after the first attempt on 408/429/5xx and network errors. Default 2. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, ±50% jitter. Default 500. */
  retryBaseMs?: number;
  /** Cap on any one backoff delay, `Retry-After` included. Default 20 000. */
  maxRetryDelayMs?: number;
  /** Extra request headers (e.g. an org or routing header). */
  headers?: Record<string, string>;
  /** Structured output request style: `json_schema` (default; vLLM, OpenAI, Ollama ≥ 0.5) or `json_object` (JSON mode + the schema in a system message). */
  jsonMode?: 'json_schema' | 'json_object';
  /** Provenance id; default `openai:<model>`. */
  modelId?: string;
  /** Total characters over all messages above which a request is refused as input_too_large. Default 2 000 000. */
  maxPromptChars?: number;
  /** Called before each backoff wait (logging, metrics). */
  onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
}

const DEFAULTS = { timeoutMs: 60_000, streamIdleTimeoutMs: 30_000, maxRetries: 2, retryBaseMs: 500, maxRetryDelayMs: 20_000, maxPromptChars: 2_000_000 };

export function createOpenAiChatModel(options: OpenAiChatModelOptions): ChatModel {
  return new OpenAiChatModel(options);
}

type JsonRequest = ChatRequest & { schema: JsonSchema; schemaName?: string };

class OpenAiChatModel implements ChatModel {
  readonly modelId: string;
  readonly adapter = 'openai-http';
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly idleMs: number;
  private readonly maxPromptChars: number;

  constructor(private readonly options: OpenAiChatModelOptions) {
    const base = checkUrl(options.baseUrl);
    if (typeof options.model !== 'string' || options.model.trim() === '') throw new MlInputError('empty_input', 'model', 'a model name is required');
    this.url = `${base}/chat/completions`;
    this.modelId = options.modelId ?? `openai:${options.model}`;
    this.headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...options.headers };
    if (options.apiKey) this.headers['authorization'] = `Bearer ${options.apiKey}`;
    this.timeoutMs = positive(options.timeoutMs, DEFAULTS.timeoutMs, 'timeoutMs');
    this.idleMs = positive(options.streamIdleTimeoutMs, DEFAULTS.streamIdleTimeoutMs, 'streamIdleTimeoutMs');
    this.maxPromptChars = positive(options.maxPromptChars, DEFAULTS.maxPromptChars, 'maxPromptChars');
    this.policy = {
      maxRetries: nonNegative(options.maxRetries, DEFAULTS.maxRetries, 'maxRetries'),
      retryBaseMs: nonNegative(options.retryBaseMs, DEFAULTS.retryBaseMs, 'retryBaseMs'),
      maxRetryDelayMs: nonNegative(options.maxRetryDelayMs, DEFAULTS.maxRetryDelayMs, 'maxRetryDelayMs'),
    };
  }

  async complete(request: ChatRequest): Promise<ChatResult> {
    return this.completeWith(request, undefined);
  }

  async *stream(request: ChatRequest): AsyncGenerator<ChatChunk> {
    const body = JSON.stringify({ ...this.body(request, undefined), stream: true, stream_options: { include_usage: true } });
    for (let attempt = 0; ; attempt++) {
      const ctl = new AttemptSignal(request.signal, this.timeoutMs);
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      let delivered = false;
      try {
        const response = await postJson(this.url, this.headers, body, ctl);
        ctl.clearDeadline();
        if (!response.body) throw new UpstreamError(response.status, 'protocol', 'streaming response without a body');
        reader = response.body.getReader();
        const parser = new SseParser();
        let finishReason: string | null = null;
        let usage: Usage | undefined;
        let sawDone = false;
        while (!sawDone) {
          ctl.armIdle(this.idleMs);
          const { value, done } = await reader.read();
          ctl.disarmIdle();
          const events = done ? parser.end() : parser.pushBytes(value);
          for (const event of events) {
            if (event.data === '[DONE]') {
              sawDone = true;
              break;
            }
            const chunk = parseStreamChunk(event.data);
            if (chunk.finishReason !== null) finishReason = chunk.finishReason;
            if (chunk.usage) usage = chunk.usage;
            if (chunk.content.length > 0) {
              delivered = true;
              yield { type: 'delta', content: chunk.content };
            }
            for (const call of chunk.toolCalls) {
              delivered = true;
              yield { type: 'tool_call', ...call };
            }
          }
          if (done) break;
        }
        if (!sawDone && finishReason === null) throw new UpstreamError(200, 'protocol', 'stream ended before a finish_reason or [DONE]');
        yield { type: 'done', finishReason, usage };
        return;
      } catch (err) {
        const failure = classifyFailure(err, ctl, request.signal);
        if (delivered || !shouldRetry(failure) || attempt >= this.policy.maxRetries) throw failure;
        await this.wait(attempt, failure, request.signal);
      } finally {
        ctl.dispose();
        // Releases the connection when the caller stops early, aborts, or the stream failed.
        reader?.cancel().catch(() => undefined);
      }
    }
  }

  async completeJson<T>(request: JsonRequest): Promise<{ value: T; usage?: Usage; repaired: boolean }> {
    const validate = validatorFor(request.schema);
    const json = this.options.jsonMode === 'json_object';
    const format: WireResponseFormat = json
      ? { type: 'json_object' }
      : { type: 'json_schema', json_schema: { name: schemaName(request.schemaName), schema: request.schema, strict: true } };
    const messages: ChatMessage[] = json
      ? [{ role: 'system', content: `Reply with only a JSON value that matches this JSON Schema:\n${JSON.stringify(request.schema)}` }, ...request.messages]
      : request.messages;
    const first = await this.completeWith({ ...request, messages }, format);
    const check = checkJson<T>(first.content, validate);
    if (check.ok) return { value: check.value, usage: first.usage, repaired: false };

    const retry = await this.completeWith({ ...request, messages: repairMessages(messages, first.content, check.errors, request.schema) }, format);
    const again = checkJson<T>(retry.content, validate);
    const usage = addUsage(first.usage, retry.usage);
    if (again.ok) return { value: again.value, usage, repaired: true };
    throw new SchemaValidationError(again.errors, retry.content);
  }

  private async completeWith(request: ChatRequest, format: WireResponseFormat | undefined): Promise<ChatResult> {
    const body = JSON.stringify({ ...this.body(request, format), stream: false });
    for (let attempt = 0; ; attempt++) {
      const ctl = new AttemptSignal(request.signal, this.timeoutMs);
      try {
        const response = await postJson(this.url, this.headers, body, ctl);
        const parsed = parseCompletion(await response.text());
        const result: ChatResult = { content: parsed.content, finishReason: parsed.finishReason, usage: parsed.usage, model: parsed.model ?? (request.model || this.options.model) };
        if (parsed.toolCalls.length > 0) result.toolCalls = parsed.toolCalls;
        return result;
      } catch (err) {
        const failure = classifyFailure(err, ctl, request.signal);
        if (!shouldRetry(failure) || attempt >= this.policy.maxRetries) throw failure;
        await this.wait(attempt, failure, request.signal);
      } finally {
        ctl.dispose();
      }
    }
  }

  private async wait(attempt: number, error: Error, signal: AbortSignal | undefined): Promise<void> {
    const delayMs = backoffMs(attempt, error, this.policy);
    this.options.onRetry?.({ attempt: attempt + 1, delayMs, error });
    await sleep(delayMs, signal);
  }

  private body(request: ChatRequest, format: WireResponseFormat | undefined): WireChatRequest {
    validateChatRequest(request, this.maxPromptChars);
    const body: WireChatRequest = {
      model: request.model || this.options.model,
      messages: request.messages.map(toWireMessage),
      ...toWireTools(request),
    };
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
    if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
    if (format) body.response_format = format;
    return body;
  }
}

function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!a || !b) return a ?? b;
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens, totalTokens: a.totalTokens + b.totalTokens };
}

function checkUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') throw new MlInputError('empty_input', 'baseUrl', 'an API base URL is required (e.g. http://host:8000/v1)');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new MlInputError('invalid_argument', 'baseUrl', `not a URL: ${baseUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MlInputError('invalid_argument', 'baseUrl', `must be http(s), got ${url.protocol}`);
  return baseUrl.replace(/\/+$/, '');
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new MlInputError('invalid_argument', field, `must be a positive number, got ${value}`);
  return value;
}

function nonNegative(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new MlInputError('invalid_argument', field, `must be a non-negative number, got ${value}`);
  return value;
}
