import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test stand-in for a hosted embedding server (TEI, vLLM, Ollama, OpenAI): a real HTTP server on
 * 127.0.0.1 that speaks the OpenAI `POST /v1/embeddings` wire format, with deterministic
 * vectors and injectable faults, so the real client is exercised over real HTTP.
 */

/** One scripted answer that replaces the normal one for the next request. */
export interface Fault {
  status?: number;
  /** Raw body; JSON-encoded when not a string. Default `{"error":{"message":"injected"}}`. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait before answering (for timeouts). */
  delayMs?: number;
}

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: { model?: string; input?: unknown; encoding_format?: string; dimensions?: number };
}

export interface LoopbackEmbeddingsServer {
  /** Base URL without `/v1`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  requests: RecordedRequest[];
  /** Queues faults answered, in order, before normal service resumes. */
  inject(...faults: Fault[]): void;
  close(): Promise<void>;
}

/** The server's deterministic, deliberately un-normalised vector for `text`. */
export function loopbackVector(text: string, dimension: number): number[] {
  const out: number[] = [];
  for (let i = 0; out.length < dimension; i++) {
    const h = createHash('sha256').update(`${i}:${text}`).digest();
    for (let j = 0; j + 1 < h.length && out.length < dimension; j += 2) out.push((h.readUInt16LE(j) / 65535 - 0.5) * 6);
  }
  return out;
}

export async function startLoopbackEmbeddingsServer(opts: { dimension?: number; apiKey?: string; shuffle?: boolean; encoding?: 'float' | 'base64' } = {}): Promise<LoopbackEmbeddingsServer> {
  const dimension = opts.dimension ?? 16;
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      let body: RecordedRequest['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'];
      } catch {
        return send(400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
      }
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      const fault = faults.shift();
      if (fault) {
        const answer = () => send(fault.status ?? 500, fault.body ?? { error: { message: 'injected', type: 'server_error' } }, fault.headers);
        if (fault.delayMs) setTimeout(answer, fault.delayMs).unref();
        else answer();
        return;
      }
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') return send(404, { error: { message: `no route ${req.method} ${req.url}` } });
      if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) return send(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      if (!Array.isArray(input) || input.some((t) => typeof t !== 'string')) return send(400, { error: { message: "'input' must be a string or an array of strings" } });
      const dim = body.dimensions ?? dimension;
      const data = input.map((text: string, index) => {
        const v = loopbackVector(text, dim);
        const embedding = opts.encoding === 'base64' ? Buffer.from(Float32Array.from(v).buffer).toString('base64') : v;
        return { object: 'embedding', index, embedding };
      });
      if (opts.shuffle) data.reverse();
      const tokens = input.reduce((n: number, t: string) => n + t.split(/\s+/).length, 0);
      send(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject: (...f) => faults.push(...f),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
