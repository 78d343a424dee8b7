/**
 * The upstream call and the answer: JSON or SSE, the image tool loop, cancellation and the bill.
 * Every request that reached the upstream ends in exactly one billing event: completed, cancelled
 * (client gone: billed for what was produced) or failed (upstream error after some output).
 */
import type { BillingEventPayload, UsageLine } from '@frontier/multimodal-contracts';
import { UpstreamError, type ChatMessage, type ChatModel, type ChatRequest, type ToolCall, type Usage } from '@frontier/ml-ports';
import type { Principal } from '@frontier/platform-nest';
import type { Response } from 'express';
import { IMAGE_TOOL_NAME, IMAGE_TOOL_SPEC, parseImageToolArgs, type GeneratedImage, type ImageGenerator } from './image-tool';
import type { MemoryClient } from './memory-client';
import type { BillingPort, LimitsPort, PlannerPort } from './ports';
import type { Prepared } from './prepare';
import { gatewayUsage, openAiError, sumUsage, type CompletionUsage, type FinishReason, type OpenAiErrorResponse } from '@frontier/multimodal-domain';
import { SseWriter } from './sse-writer';
import { describeCategory, type SafetyCategory } from '@frontier/multimodal-domain';
import { FrontierError } from '@frontier/platform-util';
import type { OutputScanner } from '../safety/output-scanner';

export interface RespondDeps {
  upstream: ChatModel;
  /** The streamed output is scanned as it grows (a scanner per answer); a hit stops the stream with an `error` event. */
  outputScanner?: ((signal: AbortSignal) => OutputScanner) | null;
  planner: PlannerPort;
  billing: BillingPort;
  quota: LimitsPort;
  images: ImageGenerator | null;
  memory: MemoryClient | null;
  log?: (msg: string) => void;
}

interface Outcome {
  text: string;
  toolCalls: ToolCall[];
  finishReason: string | null;
  usage: Usage | undefined;
  images: Array<GeneratedImage & { id: string }>;
  status: BillingEventPayload['status'];
}

function upstreamRequest(p: Prepared, messages: ChatMessage[], withImageTool: boolean, signal: AbortSignal): ChatRequest {
  const tools = [...(p.request.tools ?? []), ...(withImageTool ? [IMAGE_TOOL_SPEC] : [])];
  const r: ChatRequest = { messages, model: p.model.upstreamModel, signal, maxTokens: p.plan.reservedOutputTokens };
  if (p.request.temperature !== undefined) r.temperature = p.request.temperature;
  if (p.request.stop) r.stop = p.request.stop;
  if (tools.length) r.tools = tools;
  if (p.request.toolChoice) r.toolChoice = p.request.toolChoice;
  return r;
}

function addUsage(a: Usage | undefined, b: Usage | undefined): Usage | undefined {
  if (!a || !b) return a ?? b;
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens, totalTokens: a.totalTokens + b.totalTokens };
}

/** Usage as OpenAI reports it (the upstream's prompt count when it gave one, else the plan's estimate). */
export function reportedUsage(p: Prepared, usage: Usage | undefined, completionTokens: number): CompletionUsage {
  const prompt = usage?.promptTokens ?? p.plan.estimated;
  return { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens, prompt_tokens_details: { cached_tokens: 0, audio_tokens: p.plan.byModality.audio } };
}

const finishReason = (o: Outcome): FinishReason => (o.toolCalls.length ? 'tool_calls' : ((o.finishReason ?? 'stop') as FinishReason));

function billLines(deps: RespondDeps, p: Prepared, outputTokens: number): UsageLine[] {
  const videos = p.plan.videos;
  return deps.planner.meter(p.model, {
    textInputTokens: p.plan.byModality.text,
    outputTokens,
    imageTokens: p.plan.byModality.image,
    images: p.plan.images.length,
    audioTokens: p.transcriptTokens ?? p.plan.byModality.audio,
    audioSeconds: p.media.filter((m) => m.kind === 'audio').reduce((s, m) => s + (m.durationS ?? 0), 0),
    videoTokens: p.plan.byModality.video,
    videoFrames: videos.reduce((s, v) => s + v.frames, 0),
  });
}

/** Bills, settles the key's limits and (when configured) posts the exchange to memory; never throws. */
async function finish(deps: RespondDeps, principal: Principal, p: Prepared, o: Outcome, completionTokens: number): Promise<UsageLine[]> {
  const lines = billLines(deps, p, completionTokens);
  const cost = lines.reduce((s, l) => s + l.costUsd, 0);
  const event: BillingEventPayload = { requestId: p.requestId, tenantId: principal.tenantId, keyId: principal.keyId, model: p.model.id, status: o.status, at: new Date().toISOString(), lines };
  await deps.billing.record(event).catch((e: unknown) => deps.log?.(`billing event ${p.requestId} not stored: ${String(e)}`));
  await deps.quota.settle(p.admission, p.plan.estimated + completionTokens, cost).catch(() => undefined);
  if (deps.memory?.writeBack && p.request.user && o.status === 'completed' && o.text.trim()) {
    const lastUser = [...p.request.messages].reverse().find((m) => m.role === 'user');
    const said = lastUser?.parts.flatMap((x) => (x.type === 'text' ? [x.text] : [])).join('\n') ?? '';
    if (said.trim()) {
      deps.memory.postSession(p.request.user, `gateway-${p.requestId}`, [{ role: 'user', content: said }, { role: 'assistant', content: o.text }]).catch((e: unknown) => deps.log?.(`memory write-back failed: ${String(e)}`));
    }
  }
  return lines;
}

/** Runs the image tool for `call`: the generated image, or the error text the model will read. */
async function runImageTool(deps: RespondDeps, call: ToolCall, signal: AbortSignal): Promise<{ image?: GeneratedImage; observation: string }> {
  if (!deps.images) return { observation: 'error: image generation is not available' };
  try {
    const args = parseImageToolArgs(call.arguments);
    const image = await deps.images.generate(args.prompt, { width: args.width, height: args.height }, signal);
    return { image, observation: `The image was generated (${image.width}x${image.height}) and shown to the user.` };
  } catch (e) {
    return { observation: `error: image generation failed (${e instanceof Error ? e.message : String(e)}). Tell the user, and answer in text.` };
  }
}

/** Non-streaming: one JSON chat.completion. */
export async function respondJson(deps: RespondDeps, principal: Principal, p: Prepared, signal: AbortSignal): Promise<Record<string, unknown>> {
  const withTool = deps.images !== null;
  const o: Outcome = { text: '', toolCalls: [], finishReason: null, usage: undefined, images: [], status: 'completed' };
  let messages = p.messages;
  for (let round = 0; round < 3; round++) {
    const r = await deps.upstream.complete(upstreamRequest(p, messages, withTool && round < 2, signal));
    o.usage = addUsage(o.usage, r.usage);
    o.finishReason = r.finishReason;
    const imageCalls = (r.toolCalls ?? []).filter((c) => c.name === IMAGE_TOOL_NAME);
    o.toolCalls = (r.toolCalls ?? []).filter((c) => c.name !== IMAGE_TOOL_NAME);
    o.text += r.content;
    if (imageCalls.length === 0 || o.toolCalls.length > 0) break;
    const answers: ChatMessage[] = [];
    for (const call of imageCalls) {
      const t = await runImageTool(deps, call, signal);
      if (t.image) o.images.push({ ...t.image, id: `img_${call.id}` });
      answers.push({ role: 'tool', content: t.observation, toolCallId: call.id });
    }
    messages = [...messages, { role: 'assistant', content: r.content, toolCalls: imageCalls }, ...answers];
  }
  const completion = o.usage?.completionTokens ?? deps.planner.countText(p.model, o.text);
  const lines = await finish(deps, principal, p, o, completion);
  const message: Record<string, unknown> = { role: 'assistant', content: o.toolCalls.length && !o.text ? null : o.text, refusal: null };
  if (o.toolCalls.length) message['tool_calls'] = o.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  if (o.images.length) message['images'] = o.images.map((i) => ({ id: i.id, b64_json: i.b64, mime_type: i.mime, width: i.width, height: i.height }));
  return {
    id: p.requestId,
    object: 'chat.completion',
    created: p.created,
    model: p.model.id,
    system_fingerprint: null,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(o) }],
    usage: { ...reportedUsage(p, o.usage, completion), by_modality: gatewayUsage(lines).by_modality },
    ...(p.safety ? { safety: p.safety } : {}),
  };
}

/** Streaming: OpenAI chunks (+ named events when asked), the image tool loop, and the bill at the end. */
export async function respondStream(deps: RespondDeps, principal: Principal, p: Prepared, res: Response, namedEvents: boolean, abort: AbortController): Promise<void> {
  const w = new SseWriter(res, { id: p.requestId, created: p.created, model: p.model.id }, namedEvents);
  res.on('close', () => {
    if (!res.writableFinished) abort.abort(new Error('client disconnected'));
  });
  // The response starts with the upstream's first event: an upstream refusal before it is still an
  // HTTP error the SDK types, and headers, response.created, the role chunk and the first delta go
  // out corked, in one write (a syscall saved on the path to the first token).
  let started = false;
  const begin = (): void => {
    if (started) return;
    started = true;
    w.open(deps.quota.headers(p.admission));
    res.cork();
    void w.event({ type: 'response.created', data: { id: p.requestId, model: p.model.id, created: p.created, budget: p.plan.summary, ...(p.safety ? { safety: p.safety } : {}) } });
    void w.chunk({ role: 'assistant', content: '' });
  };
  const flush = (): void => {
    if (res.writableCorked) res.uncork();
  };

  const o: Outcome = { text: '', toolCalls: [], finishReason: null, usage: undefined, images: [], status: 'completed' };
  const withTool = deps.images !== null;
  let messages = p.messages;
  let producedText = '';
  const scanner = deps.outputScanner?.(abort.signal) ?? null;
  try {
    for (let round = 0; round < 3; round++) {
      const calls = new Map<number, ToolCall>();
      let roundText = '';
      for await (const c of deps.upstream.stream(upstreamRequest(p, messages, withTool && round < 2, abort.signal))) {
        begin();
        if (c.type === 'delta') {
          roundText += c.content;
          producedText += c.content;
          const tripped = scanner?.push(c.content);
          if (tripped) throw new OutputRefused(tripped);
          const a = w.chunk({ content: c.content });
          const b = w.event({ type: 'response.output_text.delta', data: { delta: c.content } });
          flush();
          await a;
          await b;
        } else if (c.type === 'tool_call') {
          const cur = calls.get(c.index) ?? { id: c.id ?? '', name: c.name ?? '', arguments: '' };
          if (c.id) cur.id = c.id;
          if (c.name) cur.name = c.name;
          cur.arguments += c.arguments;
          calls.set(c.index, cur);
        } else {
          o.usage = addUsage(o.usage, c.usage);
          o.finishReason = c.finishReason;
        }
      }
      begin();
      flush();
      o.text += roundText;
      const all = [...calls.values()];
      const imageCalls = all.filter((c) => c.name === IMAGE_TOOL_NAME);
      o.toolCalls = all.filter((c) => c.name !== IMAGE_TOOL_NAME);
      if (o.toolCalls.length) {
        await w.chunk({ tool_calls: o.toolCalls.map((c, index) => ({ index, id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) });
        break;
      }
      if (imageCalls.length === 0) break;
      const answers: ChatMessage[] = [];
      for (const call of imageCalls) {
        const id = `img_${call.id}`;
        let prompt = '';
        try {
          prompt = parseImageToolArgs(call.arguments).prompt;
        } catch {
          /* the tool run below reports the bad arguments to the model */
        }
        await w.event({ type: 'image.placeholder', data: { id, tool_call_id: call.id, prompt } });
        const t = await runImageTool(deps, call, abort.signal);
        if (t.image) {
          o.images.push({ ...t.image, id });
          await w.event({ type: 'image.completed', data: { id, b64_json: t.image.b64 } });
        } else {
          await w.event({ type: 'image.failed', data: { id, error: openAiError('server_error', 'image_generation_failed', t.observation).error } });
        }
        answers.push({ role: 'tool', content: t.observation, toolCallId: call.id });
      }
      messages = [...messages, { role: 'assistant', content: roundText, toolCalls: imageCalls }, ...answers];
    }
    // the classifier's last chunk (and the call in flight) before the stream's end goes out
    const tripped = await scanner?.finish();
    if (tripped) throw new OutputRefused(tripped);
  } catch (e) {
    if (!started && !abort.signal.aborted) {
      // nothing was sent: the upstream's refusal is the answer (an HTTP error), and nothing is billed
      await deps.quota.settle(p.admission, 0, 0).catch(() => undefined);
      throw e;
    }
    begin();
    flush();
    if (e instanceof OutputRefused) {
      // the output check tripped: the upstream is stopped, the client told why (the category), billed for what was produced
      abort.abort(e);
      o.status = 'cancelled';
      await w.error(openAiError('invalid_request_error', 'content_policy_violation', `The answer was stopped by the output safety check: ${e.categories.map(describeCategory).join(', ')}`));
    } else if (abort.signal.aborted || w.clientGone) o.status = 'cancelled';
    else {
      o.status = 'failed';
      const err = streamError(e);
      await w.error(err);
    }
  }
  if (w.clientGone && o.status === 'completed') o.status = 'cancelled';
  const completion = o.status === 'completed' && o.usage ? o.usage.completionTokens : deps.planner.countText(p.model, producedText);
  const lines = await finish(deps, principal, p, o, completion);
  if (o.status !== 'completed') {
    await w.done();
    return;
  }
  await w.chunk({}, finishReason(o));
  if (p.request.includeUsage) await w.usage(reportedUsage(p, o.usage, completion));
  await w.event({ type: 'billing', data: { lines, total_usd: sumUsage(lines).costUsd } });
  await w.event({ type: 'response.completed', data: { usage: gatewayUsage(lines) } });
  await w.done();
}

/** The output scan tripped on the text streamed so far. */
class OutputRefused extends Error {
  constructor(readonly categories: SafetyCategory[]) {
    super('output refused');
  }
}

/** An error met after the stream started, in OpenAI's in-stream shape (vLLM's own in-stream errors translated). */
export function streamError(e: unknown): OpenAiErrorResponse {
  if (e instanceof UpstreamError) {
    const client = e.status !== undefined && e.status >= 400 && e.status < 500;
    return openAiError(client ? 'invalid_request_error' : 'server_error', e.kind === 'timeout' ? 'upstream_timeout' : 'upstream_error', e.message);
  }
  // the output check's classifier failed: the answer stops (fail closed), saying so
  if (e instanceof FrontierError && e.code === 'safety_unavailable') return openAiError('server_error', e.code, `The answer was stopped: ${e.message}`);
  return openAiError('server_error', 'internal_error', 'The gateway failed while streaming the answer.');
}
