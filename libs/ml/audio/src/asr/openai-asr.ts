/**
 * OpenAI-compatible speech-to-text over HTTP: POST {baseUrl}/v1/audio/transcriptions as
 * multipart/form-data (file = the clip as a 16-bit WAV at its own rate, model,
 * response_format=verbose_json, timestamp_granularities[]=segment, optional language and prompt).
 * Served by OpenAI, faster-whisper-server / speaches, vLLM (Whisper), LocalAI and others.
 * 429 and 5xx answers, network failures and timeouts are retried with exponential backoff
 * (honouring Retry-After); what still fails becomes an UpstreamError.
 */
import { MlInputError, UpstreamError, type PcmAudio, type SpeechRecognizer, type Transcript, type TranscriptSegment } from '@frontier/ml-ports';
import { checkPcm, durationMs } from '../pcm';
import { encodeWav } from '../wav';

export interface OpenAiAsrOptions {
  /** Server root, e.g. `http://whisper:8000` or `https://api.openai.com/v1` (a trailing /v1 is not doubled). */
  baseUrl: string;
  /** Model name sent as the `model` field, e.g. `whisper-1`, `Systran/faster-whisper-small`. */
  model: string;
  apiKey?: string;
  /** Per attempt (default 60 000 ms). */
  timeoutMs?: number;
  /** Extra attempts after the first for 429/5xx/network/timeout (default 2). */
  maxRetries?: number;
  /** First backoff delay, doubled per retry (default 500 ms; Retry-After wins when larger, capped at 30 s). */
  retryBaseMs?: number;
  /** Default language (ISO 639-1) when a call gives none. */
  language?: string;
}

interface VerboseJson {
  text?: unknown;
  language?: unknown;
  duration?: unknown;
  segments?: { start?: unknown; end?: unknown; text?: unknown }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function endpoint(baseUrl: string): string {
  const root = baseUrl.replace(/\/+$/, '');
  return /\/v1$/.test(root) ? `${root}/audio/transcriptions` : `${root}/v1/audio/transcriptions`;
}

function parseTranscript(body: VerboseJson, fallbackMs: number): Transcript {
  if (typeof body?.text !== 'string') throw new UpstreamError(200, 'protocol', 'transcription response has no "text" string');
  const segments: TranscriptSegment[] = [];
  for (const s of Array.isArray(body.segments) ? body.segments : []) {
    if (typeof s.start !== 'number' || typeof s.end !== 'number' || typeof s.text !== 'string') {
      throw new UpstreamError(200, 'protocol', 'transcription segment lacks numeric start/end or text');
    }
    segments.push({ startMs: Math.round(s.start * 1000), endMs: Math.round(s.end * 1000), text: s.text.trim() });
  }
  return {
    text: body.text.trim(),
    language: typeof body.language === 'string' ? body.language : undefined,
    segments,
    durationMs: typeof body.duration === 'number' ? Math.round(body.duration * 1000) : fallbackMs,
  };
}

/** Turns one failed attempt into an UpstreamError, `retryable` when another attempt may work. */
async function failure(res: Response): Promise<UpstreamError> {
  let detail = '';
  try {
    const text = await res.text();
    try {
      const j = JSON.parse(text) as { error?: { message?: string } | string; detail?: string };
      detail = typeof j.error === 'string' ? j.error : (j.error?.message ?? j.detail ?? text);
    } catch {
      detail = text;
    }
  } catch {
    // body unreadable: the status says enough
  }
  const retryable = res.status === 429 || res.status >= 500;
  return new UpstreamError(res.status, 'http', `transcription server answered ${res.status}: ${detail.slice(0, 300)}`, retryable);
}

export function createOpenAiAsr(options: OpenAiAsrOptions): SpeechRecognizer {
  if (!options?.baseUrl || !/^https?:\/\//.test(options.baseUrl)) throw new MlInputError('invalid_argument', 'baseUrl', 'an http(s) URL is required');
  if (!options.model) throw new MlInputError('invalid_argument', 'model', 'a model name is required');
  const url = endpoint(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxRetries = options.maxRetries ?? 2;
  const retryBaseMs = options.retryBaseMs ?? 500;

  const attempt = async (form: FormData): Promise<VerboseJson> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`;
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', body: form, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      const name = (cause as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new UpstreamError(undefined, 'timeout', `no answer from ${url} within ${timeoutMs} ms`, true, { cause });
      throw new UpstreamError(undefined, 'network', `cannot reach ${url}: ${(cause as Error).message}`, true, { cause });
    }
    if (!res.ok) {
      const err = await failure(res);
      const after = Number(res.headers.get('retry-after'));
      throw Object.assign(err, { retryAfterMs: Number.isFinite(after) && after > 0 ? after * 1000 : 0 });
    }
    try {
      return (await res.json()) as VerboseJson;
    } catch (cause) {
      throw new UpstreamError(res.status, 'protocol', 'transcription response is not JSON (response_format verbose_json expected)', false, { cause });
    }
  };

  return {
    modelId: `openai:${options.model}`,
    adapter: 'openai-http',
    async transcribe(audio: PcmAudio, opts?: { language?: string; prompt?: string }): Promise<Transcript> {
      checkPcm(audio);
      const language = opts?.language ?? options.language;
      const wav = encodeWav(audio, 'pcm16');
      const form = new FormData();
      form.append('file', new Blob([wav], { type: 'audio/wav' }), 'audio.wav');
      form.append('model', options.model);
      form.append('response_format', 'verbose_json');
      form.append('timestamp_granularities[]', 'segment');
      if (language) form.append('language', language);
      if (opts?.prompt) form.append('prompt', opts.prompt);
      for (let n = 0; ; n++) {
        try {
          return parseTranscript(await attempt(form), durationMs(audio));
        } catch (e) {
          if (!(e instanceof UpstreamError) || !e.retryable || n >= maxRetries) throw e;
          const retryAfterMs = (e as UpstreamError & { retryAfterMs?: number }).retryAfterMs ?? 0;
          await sleep(Math.min(30_000, Math.max(retryAfterMs, retryBaseMs * 2 ** n)));
        }
      }
    },
  };
}
