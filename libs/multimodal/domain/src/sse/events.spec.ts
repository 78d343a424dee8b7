import OpenAI from 'openai';
import { meter } from '../billing/meter';
import { completionChunk, openAiError, usageChunk } from './openai';
import { billingEvent, decodeSse, encodeSse, encodeSseComment, gatewayUsage, isNamedEvent, type GatewayEvent } from './events';

const init = { id: 'chatcmpl-42', created: 1_700_000_000, model: 'llava-1.5' };

describe('encodeSse', () => {
  it('writes OpenAI chunks as bare data frames and ends with [DONE]', () => {
    const chunk = completionChunk(init, { content: 'Hi' });
    expect(encodeSse({ type: 'chunk', chunk })).toBe(`data: ${JSON.stringify(chunk)}\n\n`);
    expect(encodeSse({ type: 'done' })).toBe('data: [DONE]\n\n');
  });

  it('writes the opt-in events as named frames, one data line even for multi-line text', () => {
    expect(encodeSse({ type: 'response.output_text.delta', data: { delta: 'a\nb' } })).toBe('event: response.output_text.delta\ndata: {"delta":"a\\nb"}\n\n');
    expect(encodeSse({ type: 'image.placeholder', data: { id: 'img_1', tool_call_id: 'call_1', prompt: 'a cat' } })).toBe(
      'event: image.placeholder\ndata: {"id":"img_1","tool_call_id":"call_1","prompt":"a cat"}\n\n',
    );
    expect(encodeSse({ type: 'error', data: openAiError('server_error', null, 'upstream failed') })).toBe(
      'event: error\ndata: {"error":{"message":"upstream failed","type":"server_error","param":null,"code":null}}\n\n',
    );
    expect(encodeSseComment('ping\nx')).toBe(': ping x\n\n');
    expect(encodeSse({ type: 'stream_error', data: openAiError('server_error', null, 'boom') })).toBe('data: {"error":{"message":"boom","type":"server_error","param":null,"code":null}}\n\n');
  });

  it('round-trips every event through decodeSse', () => {
    const lines = meter({ textInputTokens: 10, outputTokens: 3, imageTokens: 576, images: 1, audioTokens: 0, audioSeconds: 0, videoTokens: 0, videoFrames: 0 });
    const events: GatewayEvent[] = [
      { type: 'response.created', data: { ...init, budget: { profile: 'llava-1.5', estimated_tokens: 586, limit_tokens: 4096, reserved_output_tokens: 256, by_modality: { text: 10, image: 576, audio: 0, video: 0 }, steps: [], dropped_turns: [], images: [], videos: [] } } },
      { type: 'chunk', chunk: completionChunk(init, { role: 'assistant', content: '' }) },
      { type: 'response.output_text.delta', data: { delta: 'Hello' } },
      { type: 'image.placeholder', data: { id: 'img_1', tool_call_id: 'call_1', prompt: 'a cat' } },
      { type: 'image.partial', data: { id: 'img_1', partial_image_index: 0, b64_json: 'AAAA' } },
      { type: 'image.completed', data: { id: 'img_1', url: 'https://example.com/i.png' } },
      { type: 'image.failed', data: { id: 'img_2', error: openAiError('server_error', null, 'generator down').error } },
      billingEvent(lines),
      { type: 'response.completed', data: { usage: gatewayUsage(lines) } },
      { type: 'done' },
    ];
    const frames = decodeSse(events.map(encodeSse).join(''));
    expect(frames).toHaveLength(events.length);
    frames.forEach((f, i) => {
      const e = events[i] as GatewayEvent;
      if (e.type === 'done') expect(f).toEqual({ event: undefined, data: '[DONE]' });
      else if (e.type === 'chunk') expect(f).toEqual({ event: undefined, data: JSON.stringify(e.chunk) });
      else expect({ event: f.event, data: JSON.parse(f.data) as unknown }).toEqual({ event: e.type, data: e.data });
    });
    expect(events.filter(isNamedEvent)).toHaveLength(8);
  });

  it('reports billing totals and usage by modality', () => {
    const lines = meter({ textInputTokens: 10, outputTokens: 3, imageTokens: 576, images: 1, audioTokens: 0, audioSeconds: 0, videoTokens: 17_280, videoFrames: 30 });
    expect(billingEvent(lines).data.total_usd).toBe(0.00804105); // 17,869 tokens × $0.45/M
    expect(gatewayUsage(lines)).toEqual({
      prompt_tokens: 17_866,
      completion_tokens: 3,
      total_tokens: 17_869,
      by_modality: { text: { input_tokens: 10, output_tokens: 3 }, image: { input_tokens: 576, output_tokens: 0 }, audio: { input_tokens: 0, output_tokens: 0 }, video: { input_tokens: 17_280, output_tokens: 0 } },
    });
  });
});

describe('decodeSse', () => {
  it('follows the SSE rules: CRLF, multi-line data, comments, missing space, frames without data', () => {
    expect(decodeSse(': hi\r\nevent: a\r\ndata: 1\r\ndata:2\r\n\r\nid: 7\n\ndata\n\nevent: b\ndata: x')).toEqual([
      { event: 'a', data: '1\n2' },
      { event: undefined, data: '' },
      { event: 'b', data: 'x' },
    ]);
  });
});

describe('the official openai SDK reads the stream unchanged', () => {
  function clientServing(body: string): OpenAI {
    return new OpenAI({
      apiKey: 'sk-test',
      baseURL: 'http://gateway.test/v1',
      maxRetries: 0,
      fetch: async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    });
  }

  it('parses chunks, the usage chunk and [DONE]', async () => {
    const body = [
      { type: 'chunk', chunk: completionChunk(init, { role: 'assistant', content: '' }) },
      { type: 'chunk', chunk: completionChunk(init, { content: 'Hello' }) },
      { type: 'chunk', chunk: completionChunk(init, { content: ' world' }, 'stop') },
      { type: 'chunk', chunk: usageChunk(init, { prompt_tokens: 600, completion_tokens: 2, total_tokens: 602 }) },
      { type: 'done' },
    ]
      .map((e) => encodeSse(e as GatewayEvent))
      .join('');
    const stream = await clientServing(body).chat.completions.create({ model: 'llava-1.5', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: unknown = null;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello world');
    expect(finish).toBe('stop');
    expect(usage).toEqual({ prompt_tokens: 600, completion_tokens: 2, total_tokens: 602 });
  });

  it('raises the plain in-stream error (`data: {"error": …}`) as an APIError', async () => {
    const body = encodeSse({ type: 'chunk', chunk: completionChunk(init, { content: 'Hel' }) }) + encodeSse({ type: 'stream_error', data: openAiError('invalid_request_error', null, 'context too long') });
    const stream = await clientServing(body).chat.completions.create({ model: 'llava-1.5', messages: [{ role: 'user', content: 'hi' }], stream: true });
    await expect(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
    ).rejects.toThrow('context too long');
  });

  it('hands other named events to the caller as if they were chunks — why they are opt-in', async () => {
    const body = encodeSse({ type: 'response.output_text.delta', data: { delta: 'x' } }) + encodeSse({ type: 'done' });
    const stream = await clientServing(body).chat.completions.create({ model: 'llava-1.5', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const got: unknown[] = [];
    for await (const chunk of stream) got.push(chunk);
    expect(got).toEqual([{ delta: 'x' }]);
  });

  it('raises the named error event as an APIError', async () => {
    const body = encodeSse({ type: 'chunk', chunk: completionChunk(init, { content: 'Hel' }) }) + encodeSse({ type: 'error', data: openAiError('server_error', 'upstream_error', 'the model server failed') });
    const stream = await clientServing(body).chat.completions.create({ model: 'llava-1.5', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow('the model server failed');
    expect(seen).toEqual(['Hel']);
  });
});
