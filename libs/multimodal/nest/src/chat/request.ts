/**
 * The OpenAI chat-completions request as the gateway accepts it, parsed by hand (content parts are a
 * discriminated union class-validator cannot express): every refusal is an `InvalidInputError`
 * naming the field as OpenAI's `param` does (`messages[1].content[0].image_url.url`). The platform's
 * JSON body reader has already refused NUL bytes, lone surrogates, deep nesting and oversize bodies.
 */
import { InvalidInputError, storableProblem, textProblem } from '@frontier/platform-util';

export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

/** A content part with its source still unresolved (bytes are fetched and checked later). */
export type RequestPart =
  | { type: 'text'; path: string; text: string }
  | { type: 'image_url'; path: string; url: string; detail: 'low' | 'high' | 'auto' }
  | { type: 'input_audio'; path: string; data: string; format: string }
  | { type: 'video_url'; path: string; url: string }
  | { type: 'file'; path: string; fileData: string; filename: string | null; jobId?: string };

export interface RequestToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface RequestMessage {
  role: Role;
  parts: RequestPart[];
  name?: string;
  toolCalls?: RequestToolCall[];
  toolCallId?: string;
}

export interface RequestTool {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

export interface ChatCompletionRequest {
  model: string;
  messages: RequestMessage[];
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | null;
  temperature?: number;
  topP?: number;
  stop?: string[];
  tools?: RequestTool[];
  toolChoice?: 'auto' | 'none' | 'required' | { name: string };
  user?: string;
}

export const REQUEST_LIMITS = { messages: 512, partsPerMessage: 64, textChars: 1_000_000, tools: 64, stop: 4, userChars: 256, urlChars: 30 * 1024 * 1024 };

const TOP_KEYS = new Set([
  'model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'n',
  'tools', 'tool_choice', 'user', 'parallel_tool_calls', 'metadata', 'store', 'seed', 'frequency_penalty', 'presence_penalty',
]);
const ROLES = new Set<Role>(['system', 'developer', 'user', 'assistant', 'tool']);
const PART_TYPES = ['text', 'image_url', 'input_audio', 'video_url', 'file'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(field: string, message: string, code = 'invalid_value'): never {
  throw new InvalidInputError(field, `${field} ${message}`, code);
}

function text(value: unknown, field: string, max = REQUEST_LIMITS.textChars, min = 0): string {
  const p = textProblem(value, { max, min });
  if (p) bad(field, p);
  return value as string;
}

function object(value: unknown, field: string): Json {
  if (!isObject(value)) bad(field, 'must be an object');
  return value;
}

function number(value: unknown, field: string, min: number, max: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) bad(field, 'must be a number');
  if (integer && !Number.isInteger(value)) bad(field, 'must be an integer');
  if (value < min || value > max) bad(field, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

/** A key as a field name: an empty or odd key is quoted so the refusal still names it. */
const keyName = (k: string) => (/^[A-Za-z_][\w-]*$/.test(k) ? k : JSON.stringify(k));

function unknownKeys(o: Json, allowed: readonly string[], field: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(field ? `${field}.${keyName(k)}` : keyName(k), 'is not a recognized argument', 'unknown_parameter');
}

function parsePart(raw: unknown, path: string): RequestPart {
  const o = object(raw, path);
  const type = o['type'];
  if (typeof type !== 'string' || !PART_TYPES.includes(type)) {
    bad(`${path}.type`, `must be one of ${PART_TYPES.join(', ')} (got ${typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : typeof type})`, 'unknown_part_type');
  }
  switch (type) {
    case 'text':
      unknownKeys(o, ['type', 'text'], path);
      return { type, path, text: text(o['text'], `${path}.text`) };
    case 'image_url': {
      unknownKeys(o, ['type', 'image_url'], path);
      const img = object(o['image_url'], `${path}.image_url`);
      unknownKeys(img, ['url', 'detail'], `${path}.image_url`);
      const detail = img['detail'] ?? 'auto';
      if (detail !== 'low' && detail !== 'high' && detail !== 'auto') bad(`${path}.image_url.detail`, 'must be low, high or auto');
      return { type, path, url: text(img['url'], `${path}.image_url.url`, REQUEST_LIMITS.urlChars, 1), detail };
    }
    case 'input_audio': {
      unknownKeys(o, ['type', 'input_audio'], path);
      const a = object(o['input_audio'], `${path}.input_audio`);
      unknownKeys(a, ['data', 'format'], `${path}.input_audio`);
      const format = text(a['format'], `${path}.input_audio.format`, 16, 1);
      if (!['wav', 'mp3', 'flac', 'ogg', 'm4a', 'webm'].includes(format)) bad(`${path}.input_audio.format`, 'must be one of wav, mp3, flac, ogg, m4a, webm');
      return { type, path, data: text(a['data'], `${path}.input_audio.data`, REQUEST_LIMITS.urlChars, 1), format };
    }
    case 'video_url': {
      unknownKeys(o, ['type', 'video_url'], path);
      const v = object(o['video_url'], `${path}.video_url`);
      unknownKeys(v, ['url'], `${path}.video_url`);
      return { type, path, url: text(v['url'], `${path}.video_url.url`, REQUEST_LIMITS.urlChars, 1) };
    }
    default: {
      unknownKeys(o, ['type', 'file'], path);
      const f = object(o['file'], `${path}.file`);
      unknownKeys(f, ['file_data', 'filename', 'file_id'], `${path}.file`);
      if (f['file_id'] !== undefined) {
        // a finished async job's context (job_<uuid>, from GET /v1/jobs/:id); other file ids are not stored here
        const id = text(f['file_id'], `${path}.file.file_id`, 64, 1);
        if (!/^job_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) bad(`${path}.file.file_id`, 'must be the id of an async job (job_…); other files are sent as file_data (a data: URL or base64)', 'unsupported_parameter');
        if (f['file_data'] !== undefined) bad(`${path}.file`, 'must have file_data or file_id, not both');
        return { type: 'file', path, fileData: '', filename: null, jobId: id };
      }
      const filename = f['filename'] === undefined ? null : text(f['filename'], `${path}.file.filename`, 255, 1);
      return { type: 'file', path, fileData: text(f['file_data'], `${path}.file.file_data`, REQUEST_LIMITS.urlChars, 1), filename };
    }
  }
}

function parseContent(raw: unknown, path: string, role: Role, hasToolCalls: boolean): RequestPart[] {
  if (raw === null || raw === undefined) {
    if (role === 'assistant' && hasToolCalls) return [];
    bad(path, 'is required');
  }
  if (typeof raw === 'string') return [{ type: 'text', path, text: text(raw, path) }];
  if (!Array.isArray(raw)) bad(path, 'must be a string or an array of content parts');
  if (raw.length > REQUEST_LIMITS.partsPerMessage) bad(path, `must have at most ${REQUEST_LIMITS.partsPerMessage} parts`);
  const parts = raw.map((p, i) => parsePart(p, `${path}[${i}]`));
  if (role !== 'user') {
    const media = parts.find((p) => p.type !== 'text');
    if (media) bad(`${media.path}.type`, `must be text in a ${role} message`, 'invalid_part_for_role');
  }
  return parts;
}

function parseToolCalls(raw: unknown, path: string): RequestToolCall[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > REQUEST_LIMITS.tools) bad(path, `must be an array of 1..${REQUEST_LIMITS.tools} tool calls`);
  return raw.map((c, i) => {
    const o = object(c, `${path}[${i}]`);
    if (o['type'] !== undefined && o['type'] !== 'function') bad(`${path}[${i}].type`, 'must be function');
    const fn = object(o['function'], `${path}[${i}].function`);
    return { id: text(o['id'], `${path}[${i}].id`, 256, 1), name: text(fn['name'], `${path}[${i}].function.name`, 64, 1), arguments: text(fn['arguments'] ?? '', `${path}[${i}].function.arguments`) };
  });
}

function parseMessage(raw: unknown, i: number): RequestMessage {
  const path = `messages[${i}]`;
  const o = object(raw, path);
  unknownKeys(o, ['role', 'content', 'name', 'tool_calls', 'tool_call_id', 'refusal'], path);
  const role = o['role'];
  if (typeof role !== 'string' || !ROLES.has(role as Role)) bad(`${path}.role`, 'must be one of system, developer, user, assistant, tool');
  const r = role as Role;
  const toolCalls = o['tool_calls'] === undefined || o['tool_calls'] === null ? undefined : parseToolCalls(o['tool_calls'], `${path}.tool_calls`);
  if (toolCalls && r !== 'assistant') bad(`${path}.tool_calls`, 'is only allowed in assistant messages');
  const msg: RequestMessage = { role: r, parts: parseContent(o['content'], `${path}.content`, r, !!toolCalls) };
  if (o['name'] !== undefined) msg.name = text(o['name'], `${path}.name`, 64, 1);
  if (toolCalls) msg.toolCalls = toolCalls;
  if (r === 'tool') msg.toolCallId = text(o['tool_call_id'], `${path}.tool_call_id`, 256, 1);
  return msg;
}

function parseTools(raw: unknown): RequestTool[] {
  if (!Array.isArray(raw) || raw.length > REQUEST_LIMITS.tools) bad('tools', `must be an array of at most ${REQUEST_LIMITS.tools} tools`);
  return raw.map((t, i) => {
    const o = object(t, `tools[${i}]`);
    if (o['type'] !== 'function') bad(`tools[${i}].type`, 'must be function');
    const fn = object(o['function'], `tools[${i}].function`);
    const name = text(fn['name'], `tools[${i}].function.name`, 64, 1);
    if (!/^[a-zA-Z0-9_-]+$/.test(name)) bad(`tools[${i}].function.name`, 'must be letters, digits, _ or -');
    const tool: RequestTool = { name };
    if (fn['description'] !== undefined) tool.description = text(fn['description'], `tools[${i}].function.description`, 4096);
    if (fn['parameters'] !== undefined) tool.parameters = object(fn['parameters'], `tools[${i}].function.parameters`);
    return tool;
  });
}

function parseToolChoice(raw: unknown): ChatCompletionRequest['toolChoice'] {
  if (raw === 'auto' || raw === 'none' || raw === 'required') return raw;
  const o = object(raw, 'tool_choice');
  return { name: text(object(o['function'], 'tool_choice.function')['name'], 'tool_choice.function.name', 64, 1) };
}

/** Parses and checks a chat-completions body; `maxOutputTokens` bounds max_tokens. */
export function parseChatRequest(body: unknown, maxOutputTokens: number): ChatCompletionRequest {
  const o = object(body, 'body');
  for (const k of Object.keys(o)) if (!TOP_KEYS.has(k)) bad(keyName(k), 'is not a recognized argument', 'unknown_parameter');
  const model = text(o['model'], 'model', 256, 1);
  if (!Array.isArray(o['messages']) || o['messages'].length === 0) bad('messages', 'must be a non-empty array');
  if (o['messages'].length > REQUEST_LIMITS.messages) bad('messages', `must have at most ${REQUEST_LIMITS.messages} messages`);
  const messages = o['messages'].map(parseMessage);
  if (!messages.some((m) => m.role === 'user')) bad('messages', 'must contain a user message');
  if (o['stream'] !== undefined && o['stream'] !== null && typeof o['stream'] !== 'boolean') bad('stream', 'must be a boolean');
  const stream = o['stream'] === true;
  let includeUsage = false;
  if (o['stream_options'] !== undefined && o['stream_options'] !== null) {
    if (!stream) bad('stream_options', 'is only allowed when stream is true');
    const so = object(o['stream_options'], 'stream_options');
    unknownKeys(so, ['include_usage'], 'stream_options');
    if (so['include_usage'] !== undefined && typeof so['include_usage'] !== 'boolean') bad('stream_options.include_usage', 'must be a boolean');
    includeUsage = so['include_usage'] === true;
  }
  const maxRaw = o['max_completion_tokens'] ?? o['max_tokens'];
  const maxField = o['max_completion_tokens'] !== undefined && o['max_completion_tokens'] !== null ? 'max_completion_tokens' : 'max_tokens';
  const req: ChatCompletionRequest = {
    model,
    messages,
    stream,
    includeUsage,
    maxTokens: maxRaw === undefined || maxRaw === null ? null : number(maxRaw, maxField, 1, maxOutputTokens, true),
  };
  if (o['n'] !== undefined && o['n'] !== null && number(o['n'], 'n', 1, 1, true) !== 1) bad('n', 'must be 1');
  if (o['temperature'] !== undefined && o['temperature'] !== null) req.temperature = number(o['temperature'], 'temperature', 0, 2);
  if (o['top_p'] !== undefined && o['top_p'] !== null) req.topP = number(o['top_p'], 'top_p', 0, 1);
  if (o['stop'] !== undefined && o['stop'] !== null) {
    const stop = typeof o['stop'] === 'string' ? [o['stop']] : o['stop'];
    if (!Array.isArray(stop) || stop.length > REQUEST_LIMITS.stop) bad('stop', `must be a string or up to ${REQUEST_LIMITS.stop} strings`);
    req.stop = stop.map((s, i) => text(s, `stop[${i}]`, 256, 1));
  }
  if (o['tools'] !== undefined && o['tools'] !== null) req.tools = parseTools(o['tools']);
  if (o['tool_choice'] !== undefined && o['tool_choice'] !== null) req.toolChoice = parseToolChoice(o['tool_choice']);
  if (o['user'] !== undefined && o['user'] !== null) {
    const p = storableProblem(o['user']) ?? textProblem(o['user'], { max: REQUEST_LIMITS.userChars, line: true });
    if (p) bad('user', p);
    req.user = o['user'] as string;
  }
  return req;
}
