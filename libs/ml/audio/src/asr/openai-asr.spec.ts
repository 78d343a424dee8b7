import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MlInputError, UpstreamError, type PcmAudio } from '@frontier/ml-ports';
import { decodeWav } from '../wav';
import { createOpenAiAsr } from './openai-asr';

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  body: Buffer;
}

/** Minimal RFC 7578 multipart/form-data parser, so the test checks what went over the wire. */
function parseMultipart(req: IncomingMessage, body: Buffer): Part[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.headers['content-type'] ?? '');
  if (!m) throw new Error('no multipart boundary');
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: Part[] = [];
  let at = body.indexOf(boundary);
  while (at >= 0) {
    const start = at + boundary.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(boundary, headerEnd);
    const headers = body.subarray(start + 2, headerEnd).toString();
    const name = /name="([^"]*)"/.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    const contentType = /content-type:\s*(\S+)/i.exec(headers)?.[1];
    parts.push({ name, filename, contentType, body: body.subarray(headerEnd + 4, next - 2) });
    at = next;
  }
  return parts;
}

interface Seen {
  auth?: string;
  path?: string;
  fields: Record<string, string>;
  audio?: PcmAudio;
  filename?: string;
  fileType?: string;
}

describe('OpenAI-compatible /v1/audio/transcriptions client', () => {
  // (loopback stand-in for a hosted transcription server)
  let server: Server;
  let baseUrl: string;
  let seen: Seen[] = [];
  /** Scripted answers, one per request; the last repeats. */
  let script: { status: number; body: unknown; delayMs?: number; headers?: Record<string, string> }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const parts = parseMultipart(req, Buffer.concat(chunks));
        const file = parts.find((p) => p.name === 'file');
        seen.push({
          auth: req.headers.authorization,
          path: req.url,
          fields: Object.fromEntries(parts.filter((p) => p.name !== 'file').map((p) => [p.name, p.body.toString()])),
          audio: file ? decodeWav(new Uint8Array(file.body)) : undefined,
          filename: file?.filename,
          fileType: file?.contentType,
        });
        const step = script.length > 1 ? (script.shift() as (typeof script)[0]) : script[0];
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
          res.end(typeof step.body === 'string' ? step.body : JSON.stringify(step.body));
        }, step.delayMs ?? 0);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen = [];
  });

  const clip: PcmAudio = { samples: Float32Array.from({ length: 8000 }, (_, i) => 0.3 * Math.sin(i / 5)), sampleRate: 16000 };
  const verbose = {
    task: 'transcribe',
    language: 'english',
    duration: 0.5,
    text: ' Remember to buy milk. ',
    segments: [{ id: 0, start: 0.0, end: 0.48, text: ' Remember to buy milk.' }],
  };

  it('posts the clip as a WAV in multipart/form-data and maps verbose_json to a transcript', async () => {
    script = [{ status: 200, body: verbose }];
    const asr = createOpenAiAsr({ baseUrl, model: 'whisper-1', apiKey: 'sk-test', language: 'en' });
    expect(asr.modelId).toBe('openai:whisper-1');
    const t = await asr.transcribe(clip, { prompt: 'groceries' });
    expect(t).toEqual({ text: 'Remember to buy milk.', language: 'english', durationMs: 500, segments: [{ startMs: 0, endMs: 480, text: 'Remember to buy milk.' }] });
    const [req] = seen;
    expect(req.path).toBe('/v1/audio/transcriptions');
    expect(req.auth).toBe('Bearer sk-test');
    expect(req.fields).toEqual({ model: 'whisper-1', response_format: 'verbose_json', 'timestamp_granularities[]': 'segment', language: 'en', prompt: 'groceries' });
    expect(req.filename).toBe('audio.wav');
    expect(req.fileType).toBe('audio/wav');
    expect(req.audio?.sampleRate).toBe(16000);
    expect(req.audio?.samples.length).toBe(8000);
    expect(Math.abs((req.audio as PcmAudio).samples[100] - clip.samples[100])).toBeLessThan(1e-4);
  });

  it('does not double /v1 when the base URL already ends with it', async () => {
    script = [{ status: 200, body: verbose }];
    await createOpenAiAsr({ baseUrl: `${baseUrl}/v1/`, model: 'm' }).transcribe(clip);
    expect(seen[0].path).toBe('/v1/audio/transcriptions');
    expect(seen[0].auth).toBeUndefined();
  });

  it('retries 429 and 5xx with backoff, then succeeds', async () => {
    script = [
      { status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '0' } },
      { status: 503, body: { error: { message: 'loading model' } } },
      { status: 200, body: verbose },
    ];
    const t = await createOpenAiAsr({ baseUrl, model: 'm', maxRetries: 2, retryBaseMs: 5 }).transcribe(clip);
    expect(t.text).toBe('Remember to buy milk.');
    expect(seen).toHaveLength(3);
  });

  it('gives up after maxRetries with a retryable UpstreamError carrying the status and message', async () => {
    script = [{ status: 500, body: { error: { message: 'CUDA out of memory' } } }];
    const e = await createOpenAiAsr({ baseUrl, model: 'm', maxRetries: 1, retryBaseMs: 5 })
      .transcribe(clip)
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e).toMatchObject({ status: 500, kind: 'http', retryable: true });
    expect((e as Error).message).toContain('CUDA out of memory');
    expect(seen).toHaveLength(2);
  });

  it('does not retry a 400 and reports it as an UpstreamError', async () => {
    script = [{ status: 400, body: { error: { message: 'Invalid file format.' } } }];
    await expect(createOpenAiAsr({ baseUrl, model: 'm', retryBaseMs: 5 }).transcribe(clip)).rejects.toMatchObject({ status: 400, kind: 'http', retryable: false });
    expect(seen).toHaveLength(1);
  });

  it('times out a slow server and reports kind "timeout" after retries', async () => {
    script = [{ status: 200, body: verbose, delayMs: 500 }];
    await expect(createOpenAiAsr({ baseUrl, model: 'm', timeoutMs: 50, maxRetries: 1, retryBaseMs: 5 }).transcribe(clip)).rejects.toMatchObject({ kind: 'timeout' });
    expect(seen).toHaveLength(2);
  });

  it('rejects out-of-protocol answers, unreachable servers and bad input', async () => {
    script = [{ status: 200, body: 'not json' }];
    await expect(createOpenAiAsr({ baseUrl, model: 'm' }).transcribe(clip)).rejects.toMatchObject({ kind: 'protocol' });
    script = [{ status: 200, body: { text: 'x', segments: [{ start: 'zero' }] } }];
    await expect(createOpenAiAsr({ baseUrl, model: 'm' }).transcribe(clip)).rejects.toMatchObject({ kind: 'protocol' });
    await expect(createOpenAiAsr({ baseUrl: 'http://127.0.0.1:9', model: 'm', maxRetries: 0 }).transcribe(clip)).rejects.toMatchObject({ kind: 'network' });
    await expect(createOpenAiAsr({ baseUrl, model: 'm' }).transcribe({ samples: new Float32Array(0), sampleRate: 16000 })).rejects.toMatchObject({ code: 'empty_input' });
    expect(() => createOpenAiAsr({ baseUrl: 'ftp://x', model: 'm' })).toThrow(MlInputError);
    expect(() => createOpenAiAsr({ baseUrl, model: '' })).toThrow(MlInputError);
  });
});
