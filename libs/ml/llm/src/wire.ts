/**
 * OpenAI-compatible chat-completions wire format (as vLLM, Ollama, llama.cpp server and OpenAI
 * speak it): request body, response shapes, and the error envelopes — including the ones vLLM
 * sends inside an HTTP 200 stream.
 */
import { UpstreamError, type ChatContentPart, type ChatMessage, type ChatRequest, type ToolCall, type Usage } from '@frontier/ml-ports';

export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface WireMessage {
  role: string;
  content: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: WireToolCall[];
  tool_call_id?: string;
}

export interface WireTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export type WireResponseFormat =
  | { type: 'json_schema'; json_schema: { name: string; schema: Record<string, unknown>; strict: boolean } }
  | { type: 'json_object' };

export interface WireChatRequest {
  model: string;
  messages: WireMessage[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  temperature?: number;
  max_tokens?: number;
  stop?: string[];
  response_format?: WireResponseFormat;
  tools?: WireTool[];
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };
}

/** A ChatMessage as the wire carries it: content parts, tool calls and tool answers included. */
export function toWireMessage(m: ChatMessage): WireMessage {
  const out: WireMessage = { role: m.role, content: m.parts && m.parts.length > 0 ? m.parts : m.content };
  if (m.name !== undefined) out.name = m.name;
  if (m.toolCalls && m.toolCalls.length > 0) {
    out.tool_calls = m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    if (m.content === '') out.content = null;
  }
  if (m.toolCallId !== undefined) out.tool_call_id = m.toolCallId;
  return out;
}

/** The request's tools and tool choice in wire form (nothing when no tools are given). */
export function toWireTools(request: ChatRequest): Pick<WireChatRequest, 'tools' | 'tool_choice'> {
  if (!request.tools || request.tools.length === 0) return {};
  const tools: WireTool[] = request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  const c = request.toolChoice;
  if (c === undefined) return { tools };
  return { tools, tool_choice: typeof c === 'string' ? c : { type: 'function', function: { name: c.name } } };
}

/** One streamed piece of a tool call. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments: string;
}

export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What one parsed stream chunk contributes. */
export interface ParsedChunk {
  content: string;
  finishReason: string | null;
  usage?: Usage;
  /** Tool-call pieces in this chunk (empty when none). */
  toolCalls: ToolCallDelta[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function toUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const p = raw['prompt_tokens'];
  const c = raw['completion_tokens'];
  if (typeof p !== 'number' || typeof c !== 'number') return undefined;
  const t = raw['total_tokens'];
  return { promptTokens: p, completionTokens: c, totalTokens: typeof t === 'number' ? t : p + c };
}

/**
 * An error envelope, in any of the shapes servers use: `{"error": {...}}` (OpenAI, newer vLLM,
 * vLLM in-stream), `{"error": "text"}` (Ollama, llama.cpp), `{"object": "error", ...}` (older
 * vLLM). Returns undefined when `body` is not an error.
 */
export function errorEnvelope(body: unknown): { message: string; type?: string; code?: unknown } | undefined {
  if (!isObject(body)) return undefined;
  const err = body['error'];
  if (typeof err === 'string') return { message: err };
  if (isObject(err)) return describe(err);
  if (body['object'] === 'error') return describe(body);
  return undefined;
}

function describe(e: Json): { message: string; type?: string; code?: unknown } {
  const message = typeof e['message'] === 'string' ? e['message'] : JSON.stringify(e);
  return { message, type: typeof e['type'] === 'string' ? e['type'] : undefined, code: e['code'] };
}

/** Human-readable error text of a non-2xx body (JSON envelope or plain text), bounded. */
export function errorMessageFromBody(text: string): string {
  try {
    const env = errorEnvelope(JSON.parse(text));
    if (env) return env.type ? `${env.type}: ${env.message}` : env.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = text.trim();
  return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed || '(empty body)';
}

/** Parses one `data:` payload of a chat-completions stream. Throws UpstreamError. */
export function parseStreamChunk(data: string): ParsedChunk {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch (cause) {
    throw new UpstreamError(200, 'protocol', `malformed JSON in stream chunk: ${clip(data)}`, false, { cause });
  }
  const env = errorEnvelope(body);
  if (env) {
    const status = typeof env.code === 'number' ? env.code : 200;
    const type = env.type ? `${env.type}: ` : '';
    throw new UpstreamError(status, 'stream', `upstream error in stream: ${type}${env.message}`, false);
  }
  if (!isObject(body) || !Array.isArray(body['choices'])) {
    throw new UpstreamError(200, 'protocol', `stream chunk without choices: ${clip(data)}`);
  }
  let content = '';
  let finishReason: string | null = null;
  const toolCalls: ToolCallDelta[] = [];
  for (const choice of body['choices'] as unknown[]) {
    // n = 1 is all this client asks for; other indices are ignored.
    if (!isObject(choice) || (choice['index'] !== undefined && choice['index'] !== 0)) continue;
    const delta = choice['delta'];
    if (isObject(delta) && typeof delta['content'] === 'string') content += delta['content'];
    if (isObject(delta) && Array.isArray(delta['tool_calls'])) {
      for (const raw of delta['tool_calls'] as unknown[]) {
        if (!isObject(raw)) continue;
        const fn = isObject(raw['function']) ? raw['function'] : {};
        const piece: ToolCallDelta = { index: typeof raw['index'] === 'number' ? raw['index'] : 0, arguments: typeof fn['arguments'] === 'string' ? fn['arguments'] : '' };
        if (typeof raw['id'] === 'string') piece.id = raw['id'];
        if (typeof fn['name'] === 'string') piece.name = fn['name'];
        toolCalls.push(piece);
      }
    }
    if (typeof choice['finish_reason'] === 'string') finishReason = choice['finish_reason'];
  }
  return { content, finishReason, usage: toUsage(body['usage']), toolCalls };
}

/** Parses a non-streaming `chat.completion` body. Throws UpstreamError. */
export function parseCompletion(text: string): { content: string; finishReason: string | null; usage?: Usage; model?: string; toolCalls: ToolCall[] } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw new UpstreamError(200, 'protocol', `malformed JSON response: ${clip(text)}`, false, { cause });
  }
  const env = errorEnvelope(body);
  if (env) throw new UpstreamError(typeof env.code === 'number' ? env.code : 200, 'http', `upstream error: ${env.message}`);
  if (!isObject(body) || !Array.isArray(body['choices']) || body['choices'].length === 0) {
    throw new UpstreamError(200, 'protocol', `completion without choices: ${clip(text)}`);
  }
  const choice = body['choices'][0] as unknown;
  const message = isObject(choice) ? choice['message'] : undefined;
  if (!isObject(choice) || !isObject(message)) throw new UpstreamError(200, 'protocol', `completion choice without message: ${clip(text)}`);
  const content = typeof message['content'] === 'string' ? message['content'] : '';
  const finishReason = typeof choice['finish_reason'] === 'string' ? choice['finish_reason'] : null;
  const toolCalls: ToolCall[] = [];
  if (Array.isArray(message['tool_calls'])) {
    for (const raw of message['tool_calls'] as unknown[]) {
      const fn = isObject(raw) && isObject(raw['function']) ? raw['function'] : undefined;
      if (!isObject(raw) || !fn || typeof fn['name'] !== 'string') continue;
      toolCalls.push({ id: typeof raw['id'] === 'string' ? raw['id'] : '', name: fn['name'], arguments: typeof fn['arguments'] === 'string' ? fn['arguments'] : '' });
    }
  }
  return { content, finishReason, usage: toUsage(body['usage']), model: typeof body['model'] === 'string' ? body['model'] : undefined, toolCalls };
}

function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
