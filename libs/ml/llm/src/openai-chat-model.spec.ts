import { MlInputError, UpstreamError, type ChatChunk, type ChatMessage, type ChatModel } from '@frontier/ml-ports';
import { createOpenAiChatModel } from './openai-chat-model';
import { SchemaValidationError } from './json-output';
import { startLoopbackLlmServer, type LoopbackLlmServer } from './testing/loopback-llm-server';
import { countLoopbackPromptTokens } from './testing/loopback-tokens';

async function collect(stream: AsyncIterable<ChatChunk>): Promise<{ text: string; deltas: string[]; done?: Extract<ChatChunk, { type: 'done' }> }> {
  const deltas: string[] = [];
  let done: Extract<ChatChunk, { type: 'done' }> | undefined;
  for await (const c of stream) {
    if (c.type === 'delta') deltas.push(c.content);
    else done = c;
  }
  return { text: deltas.join(''), deltas, done };
}

const ask = (content: string): ChatMessage[] => [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content },
];

describe('OpenAI-compatible chat client (loopback stand-in for a hosted LLM)', () => {
  let server: LoopbackLlmServer;
  let model: ChatModel;

  beforeAll(async () => {
    server = await startLoopbackLlmServer();
    model = createOpenAiChatModel({ baseUrl: server.baseUrl, model: server.model, retryBaseMs: 5 });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('streams the same text the non-streaming call returns, with usage and finish_reason', async () => {
    const messages = ask('What do you remember about my coffee?');
    const whole = await model.complete({ messages });
    const streamed = await collect(model.stream({ messages }));
    expect(streamed.text).toBe(whole.content);
    expect(streamed.deltas.length).toBeGreaterThan(5);
    expect(whole.finishReason).toBe('stop');
    expect(whole.model).toBe(server.model);
    const expectedUsage = { promptTokens: countLoopbackPromptTokens(messages), completionTokens: streamed.deltas.length, totalTokens: countLoopbackPromptTokens(messages) + streamed.deltas.length };
    expect(streamed.done).toEqual({ type: 'done', finishReason: 'stop', usage: expectedUsage });
    expect(whole.usage).toEqual(expectedUsage);
    expect(server.lastRequestBody).toMatchObject({ stream: true, stream_options: { include_usage: true }, model: server.model });
  });

  it('maps max_tokens truncation to finish_reason "length" and sends temperature/stop', async () => {
    const res = await collect(model.stream({ messages: ask('long answer please'), maxTokens: 3, temperature: 0.2, stop: ['\n\n'] }));
    expect(res.deltas).toHaveLength(3);
    expect(res.done?.finishReason).toBe('length');
    expect(res.done?.usage?.completionTokens).toBe(3);
    expect(server.lastRequestBody).toMatchObject({ max_tokens: 3, temperature: 0.2, stop: ['\n\n'] });
  });

  it('streams multi-byte UTF-8 intact', async () => {
    const reply = 'Grüße aus Köln — 東京 🌍🚆 ok';
    server.scriptReplies(reply, reply);
    expect((await collect(model.stream({ messages: ask('greet') }))).text).toBe(reply);
    expect((await model.complete({ messages: ask('greet') })).content).toBe(reply);
  });

  it('sends the bearer key; a wrong key is a non-retried 401 with the server message', async () => {
    const guarded = await startLoopbackLlmServer({ apiKey: 'sk-local' });
    try {
      const ok = createOpenAiChatModel({ baseUrl: guarded.baseUrl, model: guarded.model, apiKey: 'sk-local' });
      expect((await ok.complete({ messages: ask('hi') })).content.length).toBeGreaterThan(0);
      const bad = createOpenAiChatModel({ baseUrl: guarded.baseUrl, model: guarded.model, apiKey: 'nope', retryBaseMs: 1 });
      const err = await bad.complete({ messages: ask('hi') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ kind: 'http', status: 401, retryable: false, message: expect.stringContaining('Unauthorized') });
      expect(guarded.stats.requests).toBe(2); // one good call, one refused call: the 401 was not retried
    } finally {
      await guarded.close();
    }
  });

  it('turns an unknown model into UpstreamError http 404 with vLLM’s message, not retried', async () => {
    const other = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'gpt-nothing', retryBaseMs: 1 });
    await expect(collect(other.stream({ messages: ask('hi') }))).rejects.toMatchObject({ kind: 'http', status: 404, message: expect.stringContaining('The model `gpt-nothing` does not exist.') });
    expect(server.stats.chatRequests).toBe(1);
  });

  describe('structured output', () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
      required: ['name', 'age'],
      additionalProperties: false,
    };

    it('requests json_schema (strict) and returns the validated value', async () => {
      server.scriptReplies('{"name": "Ada", "age": 36}');
      const res = await model.completeJson<{ name: string; age: number }>({ messages: ask('Who?'), schema, schemaName: 'person card' });
      expect(res).toEqual({ value: { name: 'Ada', age: 36 }, usage: expect.objectContaining({ completionTokens: expect.any(Number) }), repaired: false });
      expect(server.lastRequestBody?.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'person_card', schema, strict: true } });
      expect(server.lastRequestBody?.stream).toBe(false);
    });

    it('repairs once: the second request carries the previous output and the validation errors', async () => {
      const bad = '{"name": "Ada", "age": "thirty-six", "email": "a@b"}';
      server.scriptReplies(bad, '{"name": "Ada", "age": 36}');
      const res = await model.completeJson<{ name: string; age: number }>({ messages: ask('Who?'), schema });
      expect(res.value).toEqual({ name: 'Ada', age: 36 });
      expect(res.repaired).toBe(true);
      expect(server.stats.chatRequests).toBe(2);
      const repair = server.chatBodies[1].messages ?? [];
      expect(repair.slice(0, 2)).toEqual(ask('Who?'));
      expect(repair[2]).toEqual({ role: 'assistant', content: bad });
      expect(repair[3].role).toBe('user');
      expect(repair[3].content).toContain('/age: must be integer');
      expect(repair[3].content).toContain('must NOT have additional properties (email)');
      const first = server.chatBodies[0];
      expect(res.usage?.promptTokens).toBe(countLoopbackPromptTokens(first.messages ?? []) + countLoopbackPromptTokens(repair));
    });

    it('repairs output that is not JSON at all, and accepts a fenced reply', async () => {
      server.scriptReplies('Sure! Ada is 36.', '```json\n{"name": "Ada", "age": 36}\n```');
      const res = await model.completeJson<{ age: number }>({ messages: ask('Who?'), schema });
      expect(res).toMatchObject({ value: { age: 36 }, repaired: true });
      expect(server.chatBodies[1].messages?.[3].content).toContain('not valid JSON');
    });

    it('fails with UpstreamError kind "schema" carrying the errors when the repair fails too', async () => {
      server.scriptReplies('{"name": 1}', '{"name": "Ada"}');
      const err = await model.completeJson({ messages: ask('Who?'), schema }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SchemaValidationError);
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ kind: 'schema', errors: ["/: must have required property 'age'"], output: '{"name": "Ada"}' });
      expect(server.stats.chatRequests).toBe(2);
    });

    it('JSON-mode fallback sends response_format json_object and the schema in a system message', async () => {
      const jsonMode = createOpenAiChatModel({ baseUrl: server.baseUrl, model: server.model, jsonMode: 'json_object' });
      server.scriptReplies('{"name": "Ada", "age": 36}');
      await expect(jsonMode.completeJson({ messages: ask('Who?'), schema })).resolves.toMatchObject({ repaired: false });
      expect(server.lastRequestBody?.response_format).toEqual({ type: 'json_object' });
      expect(server.lastRequestBody?.messages?.[0]).toEqual({ role: 'system', content: expect.stringContaining('"required":["name","age"]') });
    });

    it('rejects a schema ajv cannot compile as MlInputError before any request', async () => {
      const err = await model.completeJson({ messages: ask('x'), schema: { type: 'nonsense' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MlInputError);
      expect(err).toMatchObject({ code: 'invalid_argument', field: 'schema' });
      expect(server.stats.chatRequests).toBe(0);
    });
  });

  describe('bad input → MlInputError, nothing sent', () => {
    it.each([
      ['no messages', { messages: [] }, 'empty_input', 'messages'],
      ['blank messages', { messages: [{ role: 'user', content: '   ' }] }, 'empty_input', 'messages'],
      ['unknown role', { messages: [{ role: 'robot', content: 'hi' }] }, 'invalid_argument', 'messages[0].role'],
      ['non-string content', { messages: [{ role: 'user', content: 42 }] }, 'invalid_argument', 'messages[0].content'],
      ['huge text', { messages: [{ role: 'user', content: 'x'.repeat(2_000_001) }] }, 'input_too_large', 'messages'],
      ['bad maxTokens', { messages: ask('hi'), maxTokens: 0 }, 'invalid_argument', 'maxTokens'],
      ['bad temperature', { messages: ask('hi'), temperature: 9 }, 'invalid_argument', 'temperature'],
    ])('%s', async (_name, request, code, field) => {
      // Deliberately malformed requests, as untyped callers (JSON bodies) could send them.
      const req = request as unknown as Parameters<ChatModel['complete']>[0];
      await expect(model.complete(req)).rejects.toMatchObject({ name: 'MlInputError', code, field });
      await expect(collect(model.stream(req))).rejects.toMatchObject({ name: 'MlInputError', code, field });
      expect(server.stats.chatRequests).toBe(0);
    });

    it('rejects bad construction options', () => {
      expect(() => createOpenAiChatModel({ baseUrl: '', model: 'm' })).toThrow(MlInputError);
      expect(() => createOpenAiChatModel({ baseUrl: 'ftp://x/v1', model: 'm' })).toThrow(/baseUrl: must be http/);
      expect(() => createOpenAiChatModel({ baseUrl: 'not a url', model: 'm' })).toThrow(/baseUrl: not a URL/);
      expect(() => createOpenAiChatModel({ baseUrl: 'http://x/v1', model: ' ' })).toThrow(/model: a model name is required/);
      expect(() => createOpenAiChatModel({ baseUrl: 'http://x/v1', model: 'm', timeoutMs: -1 })).toThrow(/timeoutMs/);
    });

    it('exposes provenance', () => {
      expect(model).toMatchObject({ modelId: `openai:${server.model}`, adapter: 'openai-http' });
    });
  });
});
