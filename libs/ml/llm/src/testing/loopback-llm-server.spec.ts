import { startLoopbackLlmServer, type LoopbackLlmServer } from './loopback-llm-server';
import { countLoopbackPromptTokens, generatedTokens } from './loopback-tokens';

const messages = [{ role: 'user', content: 'hello loopback' }];

async function post(server: LoopbackLlmServer, body: unknown): Promise<Response> {
  return fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('loopback LLM server wire format (loopback stand-in for a hosted LLM)', () => {
  let server: LoopbackLlmServer;
  beforeAll(async () => {
    server = await startLoopbackLlmServer({ model: 'Qwen/Qwen2.5-0.5B-Instruct' });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('listens on 127.0.0.1 and lists its model like vLLM', async () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const list = (await (await fetch(`${server.baseUrl}/models`)).json()) as { object: string; data: { id: string; object: string; owned_by: string }[] };
    expect(list.object).toBe('list');
    expect(list.data[0]).toMatchObject({ id: server.model, object: 'model', owned_by: 'vllm', root: server.model });
  });

  it('streams vLLM’s exact chunk sequence: role chunk, content deltas, finish on the last delta, usage chunk, [DONE]', async () => {
    const res = await post(server, { model: server.model, messages, stream: true, stream_options: { include_usage: true }, max_tokens: 2 });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const frames = (await res.text()).split('\n\n');
    expect(frames.pop()).toBe('');
    expect(frames.pop()).toBe('data: [DONE]');
    const chunks = frames.map((f) => {
      expect(f.startsWith('data: ')).toBe(true);
      return JSON.parse(f.slice(6)) as Record<string, unknown>;
    });
    const tokens = generatedTokens(messages).slice(0, 2);
    const head = { id: expect.stringMatching(/^chatcmpl-[0-9a-f]{32}$/), object: 'chat.completion.chunk', created: expect.any(Number), model: server.model };
    expect(chunks).toEqual([
      { ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: { content: tokens[0] }, logprobs: null, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: { content: tokens[1] }, logprobs: null, finish_reason: 'length', stop_reason: null }] },
      { ...head, choices: [], usage: { prompt_tokens: countLoopbackPromptTokens(messages), total_tokens: countLoopbackPromptTokens(messages) + 2, completion_tokens: 2 } },
    ]);
    expect(Object.keys(chunks[0])).toEqual(['id', 'object', 'created', 'model', 'choices']);
    expect(new Set(chunks.map((c) => c['id'])).size).toBe(1);
  });

  it('omits the usage chunk without include_usage, and answers non-streaming as chat.completion', async () => {
    const text = await (await post(server, { model: server.model, messages, stream: true })).text();
    expect(text).not.toContain('"usage"');
    const body = (await (await post(server, { model: server.model, messages })).json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: server.model,
      choices: [{ index: 0, message: { role: 'assistant', content: generatedTokens(messages).join('') }, finish_reason: 'stop', stop_reason: null, logprobs: null }],
      usage: { prompt_tokens: countLoopbackPromptTokens(messages) },
    });
  });

  it('answers errors in vLLM’s body format and counts what it received', async () => {
    const res = await post(server, { model: 'other', messages });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ object: 'error', message: 'The model `other` does not exist.', type: 'NotFoundError', param: null, code: 404 });
    server.failNext({ type: 'http', status: 429, retryAfter: '2' });
    const limited = await post(server, { model: server.model, messages });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await limited.json()) as object).toMatchObject({ object: 'error', type: 'TooManyRequestsError', code: 429 });
    expect(server.stats.chatRequests).toBe(2);
    expect(server.lastRequestBody).toEqual({ model: server.model, messages });
  });

  it('writes the in-stream error as data: {"error": {...}} inside HTTP 200', async () => {
    server.failNext({ type: 'stream_error', afterTokens: 1, message: 'boom', code: 500 });
    const res = await post(server, { model: server.model, messages, stream: true });
    expect(res.status).toBe(200);
    const frames = (await res.text()).split('\n\n');
    expect(frames[2]).toBe('data: {"error":{"object":"error","message":"boom","type":"InternalServerError","param":null,"code":500}}');
    expect(frames[3]).toBe('data: [DONE]');
  });

  it('replays scripted replies verbatim, one per request, then falls back to generated text', async () => {
    server.scriptReplies('{"ok": true}');
    const first = (await (await post(server, { model: server.model, messages })).json()) as { choices: { message: { content: string } }[] };
    const second = (await (await post(server, { model: server.model, messages })).json()) as { choices: { message: { content: string } }[] };
    expect(first.choices[0].message.content).toBe('{"ok": true}');
    expect(second.choices[0].message.content).toBe(generatedTokens(messages).join(''));
  });
});
