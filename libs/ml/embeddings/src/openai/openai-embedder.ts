import { MlInputError, UpstreamError, type TextEmbedder } from '@frontier/ml-ports';
import { chunk, mapLimit } from '../batching';
import { DEFAULT_MAX_CHARS, l2normalize, positiveInt, validateTexts } from '../validate';
import { postJson, type RetryPolicy } from './http';

export interface OpenAiEmbedderOptions {
  /** Server root, e.g. `http://tei:8080`, `http://localhost:11434`, `https://api.openai.com` (a trailing `/v1` is accepted). */
  baseUrl: string;
  /** The `model` field sent to the server. */
  model: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  /**
   * Vector length. When omitted it is learned from one probe request at creation. Every answer
   * must match it (else UpstreamError 'protocol').
   */
  dimension?: number;
  /** Also send `dimensions: dimension` (OpenAI text-embedding-3 and Matryoshka models on vLLM shorten vectors). Default false. */
  requestDimensions?: boolean;
  /** Per-attempt deadline in ms. Default 30000. */
  timeoutMs?: number;
  /** Retries after the first attempt on 408/409/425/429/5xx, network errors and timeouts. Default 3. */
  maxRetries?: number;
  /** First retry delay in ms (doubles, jittered; a Retry-After header wins). Default 500. */
  backoffMs?: number;
  /** Longest delay between retries in ms. Default 8000. */
  maxBackoffMs?: number;
  /** Texts per request (TEI's default limit is 32). Default 32. */
  batchSize?: number;
  /** Requests in flight for one `embed` call. Default 2. */
  concurrency?: number;
  /** Longest accepted text in characters. Default 8192. */
  maxChars?: number;
  /** Reported model id. Default `openai:<model>`. */
  modelId?: string;
  /** Extra request headers (e.g. an organisation or routing header). */
  headers?: Record<string, string>;
}

/** Decodes one `embedding` field: a number array, or base64 little-endian float32 (`encoding_format: base64`). */
function decodeVector(raw: unknown, where: string): Float32Array {
  if (typeof raw === 'string') {
    const bytes = Buffer.from(raw, 'base64');
    if (bytes.length === 0 || bytes.length % 4 !== 0) throw new UpstreamError(200, 'protocol', `${where} is not base64 float32 data`);
    const copy = new Uint8Array(bytes);
    return new Float32Array(copy.buffer, 0, copy.length / 4);
  }
  if (!Array.isArray(raw) || raw.length === 0) throw new UpstreamError(200, 'protocol', `${where} is not a non-empty array of numbers`);
  const v = new Float32Array(raw.length);
  raw.forEach((x: unknown, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new UpstreamError(200, 'protocol', `${where}[${i}] is not a finite number`);
    v[i] = x;
  });
  return v;
}

/** Checks an OpenAI `/v1/embeddings` answer and returns its vectors in input order. */
export function parseEmbeddingsResponse(json: unknown, expected: number, dimension: number | undefined): Float32Array[] {
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new UpstreamError(200, 'protocol', 'embeddings answer has no `data` array');
  if (data.length !== expected) throw new UpstreamError(200, 'protocol', `embeddings answer has ${data.length} items for ${expected} inputs`);
  const out = new Array<Float32Array | undefined>(expected);
  data.forEach((item: unknown, k) => {
    const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
    // servers that omit `index` answer in input order
    const i = index === undefined ? k : index;
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= expected || out[i]) throw new UpstreamError(200, 'protocol', `data[${k}].index ${String(index)} is missing, out of range or repeated`);
    const v = decodeVector(embedding, `data[${k}].embedding`);
    const dim = dimension ?? out.find((x) => x)?.length ?? v.length;
    if (v.length !== dim) throw new UpstreamError(200, 'protocol', `data[${k}].embedding has ${v.length} values, expected ${dim}`);
    out[i] = l2normalize(v);
  });
  return out as Float32Array[];
}

/** Endpoint URL for a base URL with or without the `/v1` suffix. */
export function embeddingsUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new MlInputError('invalid_argument', 'options.baseUrl', `is not a URL: ${baseUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MlInputError('invalid_argument', 'options.baseUrl', `must be http(s), got ${url.protocol}`);
  const root = url.href.replace(/\/+$/, '');
  return root.endsWith('/v1') ? `${root}/embeddings` : `${root}/v1/embeddings`;
}

/**
 * Client for any OpenAI-compatible `POST /v1/embeddings` server (TEI, vLLM, Ollama, OpenAI):
 * splits input into batches, retries with backoff on 429/5xx, times out each attempt, checks the
 * answer's shape and L2-normalises the vectors.
 */
export async function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Promise<TextEmbedder> {
  if (!options || typeof options.model !== 'string' || options.model.length === 0) throw new MlInputError('invalid_argument', 'options.model', 'must name the server-side model');
  const url = embeddingsUrl(options.baseUrl);
  const batchSize = positiveInt(options.batchSize, 32, 'options.batchSize');
  const concurrency = positiveInt(options.concurrency, 2, 'options.concurrency');
  const maxChars = positiveInt(options.maxChars, DEFAULT_MAX_CHARS, 'options.maxChars');
  if (options.dimension !== undefined) positiveInt(options.dimension, 1, 'options.dimension');
  const maxRetries = options.maxRetries ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new MlInputError('invalid_argument', 'options.maxRetries', `must be an integer ≥ 0, got ${String(maxRetries)}`);
  const policy: RetryPolicy = {
    maxRetries,
    backoffMs: options.backoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 8000,
    timeoutMs: positiveInt(options.timeoutMs, 30_000, 'options.timeoutMs'),
  };
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`;

  let dimension = options.dimension;
  const request = async (input: string[]): Promise<Float32Array[]> => {
    const body: Record<string, unknown> = { model: options.model, input, encoding_format: 'float' };
    if (options.requestDimensions && dimension) body['dimensions'] = dimension;
    return parseEmbeddingsResponse(await postJson(url, body, headers, policy), input.length, dimension);
  };
  if (dimension === undefined) dimension = (await request(['dimension probe']))[0].length;
  const dim = dimension;

  return {
    modelId: options.modelId ?? `openai:${options.model}`,
    adapter: 'openai-http',
    dimension: dim,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      validateTexts(texts, maxChars);
      const parts = await mapLimit(chunk(texts, batchSize), concurrency, (batch) => request(batch));
      return parts.flat();
    },
  };
}
