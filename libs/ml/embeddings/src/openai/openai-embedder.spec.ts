import { MlInputError, UpstreamError } from '@frontier/ml-ports';
import { loopbackVector, startLoopbackEmbeddingsServer, type LoopbackEmbeddingsServer } from '../__fixtures__/loopback-embeddings-server';
import { cosine } from '@frontier/platform-util';
import { createOpenAiEmbedder, embeddingsUrl, type OpenAiEmbedderOptions } from './openai-embedder';

const fast: Partial<OpenAiEmbedderOptions> = { backoffMs: 5, maxBackoffMs: 20, timeoutMs: 2000 };

describe('createOpenAiEmbedder (loopback stand-in for a hosted embedding server)', () => {
  let server: LoopbackEmbeddingsServer;

  beforeEach(async () => {
    server = await startLoopbackEmbeddingsServer({ dimension: 16, apiKey: 'sk-test' });
  });
  afterEach(async () => {
    await server.close();
  });

  const make = (o: Partial<OpenAiEmbedderOptions> = {}) => createOpenAiEmbedder({ baseUrl: server.url, model: 'bge-small', apiKey: 'sk-test', dimension: 16, ...fast, ...o });

  it('posts OpenAI embedding requests in batches and returns unit vectors in input order', async () => {
    const e = await make({ batchSize: 4, concurrency: 2 });
    const texts = Array.from({ length: 10 }, (_, i) => `sentence number ${i}`);
    const out = await e.embed(texts);
    expect([e.modelId, e.adapter, e.dimension]).toEqual(['openai:bge-small', 'openai-http', 16]);
    expect(server.requests.map((r) => (r.body.input as string[]).length)).toEqual([4, 4, 2]);
    const r0 = server.requests[0];
    expect(r0.path).toBe('/v1/embeddings');
    expect(r0.headers.authorization).toBe('Bearer sk-test');
    expect(r0.body).toMatchObject({ model: 'bge-small', encoding_format: 'float' });
    expect(r0.body.dimensions).toBeUndefined();
    out.forEach((v, i) => {
      expect(Math.hypot(...v)).toBeCloseTo(1, 5);
      expect(cosine(v, Float32Array.from(loopbackVector(texts[i], 16)))).toBeCloseTo(1, 5);
    });
  });

  it('puts answers back in input order by `index` and decodes base64 vectors', async () => {
    const other = await startLoopbackEmbeddingsServer({ dimension: 8, shuffle: true, encoding: 'base64' });
    try {
      const e = await createOpenAiEmbedder({ baseUrl: `${other.url}/v1/`, model: 'm', ...fast });
      expect(e.dimension).toBe(8); // learned from the probe request
      const texts = ['alpha', 'beta', 'gamma'];
      const out = await e.embed(texts);
      out.forEach((v, i) => expect(cosine(v, Float32Array.from(loopbackVector(texts[i], 8)))).toBeCloseTo(1, 5));
      expect(other.requests.map((r) => r.body.input)).toEqual([['dimension probe'], texts]);
    } finally {
      await other.close();
    }
  });

  it('sends `dimensions` when asked (OpenAI text-embedding-3, Matryoshka models)', async () => {
    const e = await make({ dimension: 6, requestDimensions: true });
    const [v] = await e.embed(['shorter please']);
    expect(v).toHaveLength(6);
    expect(server.requests[0].body.dimensions).toBe(6);
  });

  it('retries 429 and 503 with backoff (honouring Retry-After) and then succeeds', async () => {
    const e = await make({ maxRetries: 3 });
    server.inject({ status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'Rate limit reached' } } }, { status: 503, body: 'upstream overloaded' });
    const [v] = await e.embed(['hello']);
    expect(v).toHaveLength(16);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after maxRetries with a retryable UpstreamError carrying the last status and message', async () => {
    const e = await make({ maxRetries: 2 });
    server.inject({ status: 500 }, { status: 502 }, { status: 500, body: { error: { message: 'CUDA out of memory' } } });
    const err = await e.embed(['hello']).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ status: 500, kind: 'http', retryable: true });
    expect((err as Error).message).toMatch(/CUDA out of memory.*gave up after 3 attempts/);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 4xx client error, and reports the server message', async () => {
    const e = await make({ apiKey: 'wrong' });
    const err = await e.embed(['hello']).catch((x: unknown) => x);
    expect(err).toMatchObject({ name: 'UpstreamError', status: 401, kind: 'http', retryable: false });
    expect((err as Error).message).toMatch(/Incorrect API key/);
    expect(server.requests).toHaveLength(1);
  });

  it('times out a slow attempt, retries, and reports kind "timeout" when every attempt is slow', async () => {
    const e = await make({ timeoutMs: 100, maxRetries: 1 });
    server.inject({ delayMs: 400, status: 200, body: {} });
    expect(await e.embed(['slow then fine'])).toHaveLength(1);
    server.inject({ delayMs: 400 }, { delayMs: 400 });
    await expect(e.embed(['always slow'])).rejects.toMatchObject({ name: 'UpstreamError', kind: 'timeout', retryable: true });
  });

  it('reports network failures as UpstreamError kind "network"', async () => {
    const url = server.url;
    await server.close();
    const e = createOpenAiEmbedder({ baseUrl: url, model: 'm', dimension: 4, ...fast, maxRetries: 1 }).then((x) => x.embed(['hi']));
    await expect(e).rejects.toMatchObject({ name: 'UpstreamError', kind: 'network' });
    server = await startLoopbackEmbeddingsServer();
  });

  it.each([
    ['a body that is not JSON', '<html>proxy error</html>', /not JSON/],
    ['no data array', { object: 'list' }, /no `data` array/],
    ['the wrong number of items', { data: [] }, /0 items for 1 inputs/],
    ['a repeated index', { data: [{ index: 0, embedding: Array(16).fill(1) }, { index: 0, embedding: Array(16).fill(2) }] }, /repeated/],
    ['a vector of the wrong width', { data: [{ index: 0, embedding: [1, 2, 3] }] }, /3 values, expected 16/],
    ['a non-numeric value', { data: [{ index: 0, embedding: [1, 'x'] }] }, /not a finite number/],
  ])('fails with UpstreamError kind "protocol" on an answer with %s (no retry)', async (what, body, message) => {
    const e = await make();
    server.inject({ status: 200, body });
    const err = await e.embed(what === 'a repeated index' ? ['hello', 'world'] : ['hello']).catch((x: unknown) => x);
    expect(err).toMatchObject({ name: 'UpstreamError', kind: 'protocol', retryable: false });
    expect((err as Error).message).toMatch(message);
    expect(server.requests).toHaveLength(1);
  });

  it('checks input before any request and validates its options', async () => {
    const e = await make();
    await expect(e.embed([])).rejects.toMatchObject({ code: 'empty_input', field: 'texts' });
    await expect(e.embed(['a', '  '])).rejects.toMatchObject({ code: 'empty_input', field: 'texts[1]' });
    await expect((await make({ maxChars: 5 })).embed(['too long'])).rejects.toMatchObject({ code: 'input_too_large', field: 'texts[0]' });
    await expect(e.embed([7 as unknown as string])).rejects.toMatchObject({ code: 'invalid_argument', field: 'texts[0]' });
    expect(server.requests).toHaveLength(0);
    await expect(createOpenAiEmbedder({ baseUrl: 'not a url', model: 'm' })).rejects.toBeInstanceOf(MlInputError);
    await expect(createOpenAiEmbedder({ baseUrl: 'ftp://x', model: 'm' })).rejects.toMatchObject({ field: 'options.baseUrl' });
    await expect(createOpenAiEmbedder({ baseUrl: server.url, model: '' })).rejects.toMatchObject({ field: 'options.model' });
  });

  it('builds the endpoint from a base URL with or without /v1', () => {
    expect(embeddingsUrl('http://tei:8080')).toBe('http://tei:8080/v1/embeddings');
    expect(embeddingsUrl('https://api.openai.com/v1')).toBe('https://api.openai.com/v1/embeddings');
    expect(embeddingsUrl('http://localhost:11434/v1/')).toBe('http://localhost:11434/v1/embeddings');
  });
});
