import { UpstreamError, type ChatChunk, type ChatMessage } from '@frontier/ml-ports';
import { createOpenAiChatModel, type OpenAiChatModelOptions } from './openai-chat-model';
import { startLoopbackLlmServer, type LoopbackLlmServer } from './testing/loopback-llm-server';

const messages: ChatMessage[] = [{ role: 'user', content: 'Tell me what you know about trains.' }];

/** Reads a stream, keeping the deltas that arrived before any error. */
async function drain(stream: AsyncIterable<ChatChunk>): Promise<{ deltas: string[]; error?: unknown; done: boolean }> {
  const deltas: string[] = [];
  let done = false;
  try {
    for await (const c of stream) {
      if (c.type === 'delta') deltas.push(c.content);
      else done = true;
    }
  } catch (error) {
    return { deltas, error, done };
  }
  return { deltas, done };
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('failures, retries, timeouts and abort (loopback stand-in for a hosted LLM)', () => {
  let server: LoopbackLlmServer;
  const retries: { attempt: number; delayMs: number; error: Error }[] = [];
  const client = (extra: Partial<OpenAiChatModelOptions> = {}) =>
    createOpenAiChatModel({ baseUrl: server.baseUrl, model: server.model, retryBaseMs: 5, onRetry: (r) => retries.push(r), ...extra });

  beforeAll(async () => {
    server = await startLoopbackLlmServer({ replyTokens: 12 });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.reset();
    server.tokenDelayMs = 0;
    retries.length = 0;
  });

  it('translates vLLM’s in-stream error (data: {"error": …}) into UpstreamError "stream" after the tokens already yielded', async () => {
    server.failNext({ type: 'stream_error', afterTokens: 4, message: 'KV cache exhausted', code: 500 });
    const res = await drain(client().stream({ messages }));
    expect(res.deltas).toHaveLength(4);
    expect(res.done).toBe(false);
    expect(res.error).toBeInstanceOf(UpstreamError);
    expect(res.error).toMatchObject({ kind: 'stream', status: 500, message: expect.stringContaining('InternalServerError: KV cache exhausted') });
    expect(server.stats.chatRequests).toBe(1); // tokens were delivered: never retried
  });

  it('also translates the top-level {"object": "error"} form', async () => {
    server.failNext({ type: 'stream_error', afterTokens: 0, topLevel: true, message: 'prompt too long', code: 400 });
    const res = await drain(client().stream({ messages }));
    expect(res.deltas).toEqual([]);
    expect(res.error).toMatchObject({ kind: 'stream', status: 400, message: expect.stringContaining('prompt too long') });
  });

  it('a malformed chunk is UpstreamError "protocol"', async () => {
    server.failNext({ type: 'malformed', afterTokens: 2 });
    const res = await drain(client().stream({ messages }));
    expect(res.deltas).toHaveLength(2);
    expect(res.error).toMatchObject({ kind: 'protocol', message: expect.stringContaining('malformed JSON in stream chunk') });
    server.failNext({ type: 'malformed', afterTokens: 0 });
    await expect(client().complete({ messages })).rejects.toMatchObject({ kind: 'protocol' });
  });

  it('a stalled stream fails with UpstreamError "timeout" within the idle bound', async () => {
    server.failNext({ type: 'stall', afterTokens: 3 });
    const started = Date.now();
    const res = await drain(client({ streamIdleTimeoutMs: 300 }).stream({ messages }));
    const elapsed = Date.now() - started;
    expect(res.deltas).toHaveLength(3);
    expect(res.error).toMatchObject({ kind: 'timeout', message: expect.stringContaining('no stream data for 300 ms') });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    await until(() => server.stats.clientDisconnects === 1); // the stalled connection was released
  });

  it('a stalled non-streaming call fails with "timeout" within timeoutMs, not retried', async () => {
    server.failNext({ type: 'stall', afterTokens: 0 });
    const started = Date.now();
    await expect(client({ timeoutMs: 250 }).complete({ messages })).rejects.toMatchObject({ kind: 'timeout', message: expect.stringContaining('250 ms') });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.stats.chatRequests).toBe(1);
  });

  it('a slow-but-steady stream is not cut by the idle timeout', async () => {
    server.tokenDelayMs = 40;
    const res = await drain(client({ streamIdleTimeoutMs: 200 }).stream({ messages }));
    expect(res.error).toBeUndefined();
    expect(res.done).toBe(true);
    expect(res.deltas).toHaveLength(12);
  });

  it('retries 429 honouring Retry-After, then succeeds', async () => {
    server.failNext({ type: 'http', status: 429, retryAfter: '1', message: 'rate limited' });
    const started = Date.now();
    const res = await drain(client().stream({ messages }));
    expect(res.done).toBe(true);
    expect(server.stats.chatRequests).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 1000, error: expect.objectContaining({ kind: 'http', status: 429 }) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries 500/503 with exponential backoff and gives up after maxRetries with the last error', async () => {
    server.failNext({ type: 'http', status: 503, message: 'overloaded' }, 3);
    const err = await client({ maxRetries: 2, retryBaseMs: 20 }).complete({ messages }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'http', status: 503, retryable: true, message: 'upstream HTTP 503: ServiceUnavailableError: overloaded' });
    expect(server.stats.chatRequests).toBe(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries[0].delayMs).toBeGreaterThanOrEqual(10); // 20·2^0 ± 50%
    expect(retries[0].delayMs).toBeLessThanOrEqual(30);
    expect(retries[1].delayMs).toBeGreaterThanOrEqual(20); // 20·2^1 ± 50%
    expect(retries[1].delayMs).toBeLessThanOrEqual(60);

    server.failNext({ type: 'http', status: 500 });
    await expect(client().complete({ messages })).resolves.toMatchObject({ finishReason: 'stop' });
  });

  it('does not retry a 400 and reports the server’s message', async () => {
    server.failNext({ type: 'http', status: 400, message: "This model's maximum context length is 8192 tokens" });
    const res = await drain(client().stream({ messages }));
    expect(res.error).toMatchObject({ kind: 'http', status: 400, retryable: false, message: expect.stringContaining('maximum context length is 8192') });
    expect(server.stats.chatRequests).toBe(1);
    expect(retries).toHaveLength(0);
  });

  it('retries a connection dropped before the first token, but not one dropped after tokens were delivered', async () => {
    server.failNext({ type: 'disconnect', afterTokens: 0 });
    expect((await drain(client().stream({ messages }))).done).toBe(true);
    expect(server.stats.chatRequests).toBe(2);
    expect(retries[0].error).toMatchObject({ kind: 'network' });

    server.failNext({ type: 'disconnect', afterTokens: 5 });
    const res = await drain(client().stream({ messages }));
    expect(res.deltas).toHaveLength(5);
    expect(res.error).toMatchObject({ kind: 'network' });
    expect(server.stats.chatRequests).toBe(3);
  });

  it('a refused connection is UpstreamError "network" after the retries', async () => {
    const gone = await startLoopbackLlmServer();
    const url = gone.baseUrl;
    await gone.close();
    const err = await createOpenAiChatModel({ baseUrl: url, model: 'm', maxRetries: 1, retryBaseMs: 1 }).complete({ messages }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'network', retryable: true, message: expect.stringContaining('ECONNREFUSED') });
  });

  it('the caller’s abort stops reading, rejects with its reason and releases the connection', async () => {
    server.tokenDelayMs = 20;
    const ac = new AbortController();
    const deltas: string[] = [];
    const err = await (async () => {
      for await (const c of client().stream({ messages, signal: ac.signal })) {
        if (c.type === 'delta') deltas.push(c.content);
        if (deltas.length === 2) ac.abort();
      }
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(deltas).toHaveLength(2);
    await until(() => server.stats.clientDisconnects === 1);
  });

  it('breaking out of the loop early releases the connection too', async () => {
    server.tokenDelayMs = 20;
    for await (const c of client().stream({ messages })) if (c.type === 'delta') break;
    await until(() => server.stats.clientDisconnects === 1);
  });

  it('an abort during the Retry-After wait rejects at once', async () => {
    server.failNext({ type: 'http', status: 429, retryAfter: '30' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('client went away')), 100);
    const started = Date.now();
    await expect(client({ maxRetryDelayMs: 60_000 }).complete({ messages, signal: ac.signal })).rejects.toThrow('client went away');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.stats.chatRequests).toBe(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    await expect(client().complete({ messages, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.stats.chatRequests).toBe(0);
  });
});
