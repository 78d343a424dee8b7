/**
 * The audio port: clips of a request transcribed in parallel (ffmpeg → Silero VAD → the ASR
 * provider), for upstreams that do not take audio natively. The transcriber loads on first use (the
 * VAD and ASR models from the ML registry's `ML_VAD` / `ML_ASR`). A clip that will not decode is a
 * 400 naming the part; missing tools or models are a 503.
 */
import { AvError, type AudioTranscriber, type AudioTranscript } from '@frontier/multimodal-encoders';
import { FrontierError, InvalidInputError } from '@frontier/platform-util';

export interface AudioJob {
  path: string;
  bytes: Uint8Array;
}

export interface AudioPort {
  transcribe(jobs: readonly AudioJob[], signal: AbortSignal): Promise<Map<string, AudioTranscript>>;
}

export const AUDIO_PORT = Symbol('AUDIO_PORT');

/** An {@link AvError} as the answer: the part's bytes are bad (400 naming it), or the tools are missing (503). */
export function avRefusal(e: unknown, path: string, what: 'audio' | 'video'): never {
  if (e instanceof AvError) {
    if (e.code === 'undecodable' || e.code === 'no_stream') throw new InvalidInputError(path, `${path}: the ${what} ${e.message.startsWith('has') || e.message.startsWith('could') ? e.message : `could not be decoded: ${e.message}`}`, `invalid_${what}`);
    if (e.code === 'tool_missing') throw new FrontierError('unavailable', `${what}_decoder_unavailable`, `The ${what} decoder is not available on this gateway`, { retryAfterS: 30 });
  }
  throw e;
}

export function createAudioPort(load: () => Promise<AudioTranscriber>): AudioPort {
  let transcriber: Promise<AudioTranscriber> | null = null;
  const get = () => {
    transcriber ??= load().catch((e: unknown) => {
      transcriber = null;
      throw new FrontierError('unavailable', 'asr_unavailable', `The speech recogniser could not be loaded: ${e instanceof Error ? e.message : String(e)}`, { retryAfterS: 30 });
    });
    return transcriber;
  };
  return {
    async transcribe(jobs, signal) {
      const t = await get();
      const out = await Promise.all(
        jobs.map(async (j) => {
          try {
            return [j.path, await t.transcribe(j.bytes, { signal })] as const;
          } catch (e) {
            return avRefusal(e, j.path, 'audio');
          }
        }),
      );
      return new Map(out);
    },
  };
}
