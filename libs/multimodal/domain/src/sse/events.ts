import type { UsageLine } from '../billing/meter';
import { sumUsage } from '../billing/meter';
import { MODALITIES, type Modality } from '../parts';
import type { BudgetSummary } from '../planner/summary';
import type { ChatCompletionChunk, OpenAiErrorBody, OpenAiErrorResponse } from './openai';

/** `response.completed`'s usage: OpenAI's three totals plus tokens per modality and direction. */
export interface GatewayUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  by_modality: Record<Modality, { input_tokens: number; output_tokens: number }>;
}

/**
 * What the gateway writes to a stream: OpenAI's chunks, `[DONE]` and in-stream errors for every
 * client, and the named events a client opts into. Opt-in because the official SDKs hand any
 * named event other than `thread.*` / `error` to the caller as if it were a chunk (a chunk without
 * `choices`). `stream_error` is OpenAI's own in-stream error (`data: {"error": …}`, which the SDKs
 * raise as an APIError); `error` is its named twin. `image.failed` closes an `image.placeholder`
 * whose tool call failed (the model is told and answers in text).
 */
export type GatewayEvent =
  | { type: 'chunk'; chunk: ChatCompletionChunk }
  | { type: 'done' }
  | { type: 'stream_error'; data: OpenAiErrorResponse }
  | { type: 'response.created'; data: { id: string; model: string; created: number; budget: BudgetSummary } }
  | { type: 'response.output_text.delta'; data: { delta: string } }
  | { type: 'image.placeholder'; data: { id: string; tool_call_id: string; prompt: string } }
  | { type: 'image.partial'; data: { id: string; partial_image_index: number; b64_json: string } }
  | { type: 'image.completed'; data: { id: string; url: string } | { id: string; b64_json: string } }
  | { type: 'image.failed'; data: { id: string; error: OpenAiErrorBody } }
  | { type: 'billing'; data: { lines: UsageLine[]; total_usd: number } }
  | { type: 'response.completed'; data: { usage: GatewayUsage } }
  | { type: 'error'; data: OpenAiErrorResponse };

export type GatewayEventType = GatewayEvent['type'];
export type NamedGatewayEvent = Exclude<GatewayEvent, { type: 'chunk' } | { type: 'done' } | { type: 'stream_error' }>;

/** The opt-in named events (everything but OpenAI's chunks, `[DONE]` and the plain in-stream error). */
export function isNamedEvent(event: GatewayEvent): event is NamedGatewayEvent {
  return event.type !== 'chunk' && event.type !== 'done' && event.type !== 'stream_error';
}

/**
 * One SSE frame: `data: <chunk json>\n\n` for OpenAI chunks, `data: [DONE]\n\n` at the end,
 * `data: {"error": …}\n\n` for a plain in-stream error, and `event: <name>\ndata: <json>\n\n` for
 * the named events. JSON.stringify escapes newlines, so every payload is one `data:` line.
 */
export function encodeSse(event: GatewayEvent): string {
  switch (event.type) {
    case 'chunk':
      return `data: ${JSON.stringify(event.chunk)}\n\n`;
    case 'done':
      return 'data: [DONE]\n\n';
    case 'stream_error':
      return `data: ${JSON.stringify(event.data)}\n\n`;
    default:
      return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
  }
}

/** An SSE comment (keep-alive): `: text\n\n`, ignored by every client. */
export function encodeSseComment(text = ''): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

export interface SseFrame {
  /** The `event:` name; undefined for plain `data:` frames (OpenAI's). */
  event: string | undefined;
  data: string;
}

/**
 * Splits an SSE text into frames (the WHATWG rules the SDKs follow: LF, CRLF or CR line ends,
 * several `data:` lines joined by "\n", comments and unknown fields skipped, frames without data
 * dropped). For specs and for reading an upstream's stream.
 */
export function decodeSse(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  let event: string | undefined;
  let data: string[] = [];
  const flush = () => {
    if (data.length) frames.push({ event, data: data.join('\n') });
    event = undefined;
    data = [];
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      flush();
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  flush();
  return frames;
}

/** `response.completed`'s usage from the request's usage lines. */
export function gatewayUsage(lines: readonly UsageLine[]): GatewayUsage {
  const totals = sumUsage(lines);
  const by_modality = Object.fromEntries(MODALITIES.map((m) => [m, { input_tokens: 0, output_tokens: 0 }])) as GatewayUsage['by_modality'];
  for (const l of lines) by_modality[l.modality][l.direction === 'input' ? 'input_tokens' : 'output_tokens'] += l.tokens;
  return { prompt_tokens: totals.inputTokens, completion_tokens: totals.outputTokens, total_tokens: totals.totalTokens, by_modality };
}

/** The `billing` event for usage lines. */
export function billingEvent(lines: UsageLine[]): Extract<GatewayEvent, { type: 'billing' }> {
  return { type: 'billing', data: { lines, total_usd: sumUsage(lines).costUsd } };
}
