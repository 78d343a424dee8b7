import type { ChatChunk, ChatModel } from '@frontier/ml-ports';
import { createOpenAiChatModel } from './openai-chat-model';
import { startLoopbackLlmServer, type LoopbackLlmServer } from './testing/loopback-llm-server';
import { countLoopbackPromptTokens, LOOPBACK_IMAGE_TOKENS } from './testing/loopback-tokens';
import { parseStreamChunk, toWireMessage } from './wire';

const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const TOOLS = [{ name: 'generate_image', description: 'Draws a picture', parameters: { type: 'object', properties: { prompt: { type: 'string' } } } }];

describe('chat client: content parts and tool calls (loopback stand-in for a hosted LLM)', () => {
  let server: LoopbackLlmServer;
  let model: ChatModel;

  beforeAll(async () => {
    server = await startLoopbackLlmServer();
    model = createOpenAiChatModel({ baseUrl: server.baseUrl, model: server.model, retryBaseMs: 5 });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('sends content parts as the message content array and the server counts the image', async () => {
    const parts = [
      { type: 'text' as const, text: 'what is this' },
      { type: 'image_url' as const, image_url: { url: PIXEL, detail: 'low' as const } },
    ];
    const result = await model.complete({ messages: [{ role: 'user', content: 'what is this', parts }] });
    expect(server.lastRequestBody?.messages?.[0]).toEqual({ role: 'user', content: parts });
    expect(result.usage?.promptTokens).toBe(4 + 3 + LOOPBACK_IMAGE_TOKENS);
    expect(countLoopbackPromptTokens([{ role: 'user', content: parts }])).toBe(4 + 3 + LOOPBACK_IMAGE_TOKENS);
  });

  it('streams a tool call in pieces that concatenate to the arguments, then finishes with tool_calls', async () => {
    server.scriptToolCall({ name: 'generate_image', arguments: '{"prompt": "a red bicycle at dusk"}' });
    const chunks: ChatChunk[] = [];
    for await (const c of model.stream({ messages: [{ role: 'user', content: 'draw a red bicycle' }], tools: TOOLS })) chunks.push(c);
    const calls = chunks.filter((c): c is Extract<ChatChunk, { type: 'tool_call' }> => c.type === 'tool_call');
    expect(calls[0]).toMatchObject({ index: 0, name: 'generate_image' });
    expect(calls[0].id).toMatch(/^chatcmpl-tool-/);
    expect(calls.map((c) => c.arguments).join('')).toBe('{"prompt": "a red bicycle at dusk"}');
    expect(chunks.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
    expect(server.lastRequestBody?.['tools']).toEqual([{ type: 'function', function: TOOLS[0] }]);
  });

  it('returns a non-streamed tool call, then sends the tool answer back and gets text', async () => {
    server.scriptToolCall({ name: 'generate_image', arguments: '{"prompt":"cat"}' });
    const first = await model.complete({ messages: [{ role: 'user', content: 'draw a cat' }], tools: TOOLS, toolChoice: 'auto' });
    expect(first.finishReason).toBe('tool_calls');
    expect(first.toolCalls).toEqual([{ id: expect.stringMatching(/^chatcmpl-tool-/), name: 'generate_image', arguments: '{"prompt":"cat"}' }]);
    const call = first.toolCalls?.[0];
    if (!call) throw new Error('no tool call');
    const second = await model.complete({
      messages: [
        { role: 'user', content: 'draw a cat' },
        { role: 'assistant', content: '', toolCalls: [call] },
        { role: 'tool', content: 'error: image generation failed', toolCallId: call.id },
      ],
      tools: TOOLS,
    });
    expect(second.finishReason).toBe('stop');
    expect(second.content.length).toBeGreaterThan(0);
    expect(server.lastRequestBody?.messages?.[1]).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: 'generate_image', arguments: '{"prompt":"cat"}' } }] });
    expect(server.lastRequestBody?.messages?.[2]).toEqual({ role: 'tool', content: 'error: image generation failed', tool_call_id: call.id });
  });

  it('parses tool-call deltas and keeps text-only chunks as before', () => {
    expect(parseStreamChunk('{"choices":[{"index":0,"delta":{"content":"hi"}}]}')).toEqual({ content: 'hi', finishReason: null, usage: undefined, toolCalls: [] });
    const parsed = parseStreamChunk('{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"c1","type":"function","function":{"name":"f","arguments":"{\\"a"}}]}}]}');
    expect(parsed.toolCalls).toEqual([{ index: 1, id: 'c1', name: 'f', arguments: '{"a' }]);
    expect(toWireMessage({ role: 'user', content: 'x', name: 'n' })).toEqual({ role: 'user', content: 'x', name: 'n' });
  });
});
