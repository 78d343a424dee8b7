/**
 * An uploaded clip to a timestamped transcript: ffmpeg decodes it to 16 kHz mono → Silero VAD finds
 * the speech segments → the ASR provider (pocketsphinx / Whisper ONNX / an OpenAI-compatible
 * endpoint) transcribes each segment, its timestamps moved to the clip's clock. Silence is never sent
 * to the recogniser. Each stage's wall time is kept for the real-time-factor bench.
 */
import type { SpeechRecognizer, TranscriptSegment, VadOptions, VoiceActivityDetector } from '@frontier/ml-ports';
import { decodeAudio, type AvRunOptions } from '../av/ffmpeg';

export interface AudioTranscript {
  durationMs: number;
  /** Speech segments with their text, on the clip's clock (empty text segments dropped). */
  segments: TranscriptSegment[];
  /** The segments' text joined with spaces. */
  text: string;
  /** VAD speech segments, before recognition. */
  speech: Array<{ startMs: number; endMs: number }>;
  models: { vad: string; asr: string };
  /** Wall time per stage, ms. */
  timings: { decodeMs: number; vadMs: number; asrMs: number };
}

export interface AudioTranscriberOptions {
  /** Server-VAD options for segmentation (default: threshold 0.5, 200 ms padding, 400 ms silence). */
  vad?: VadOptions;
  /** A speech segment longer than this is cut into pieces for the recogniser (default 30 s, Whisper's window). */
  maxSegmentMs?: number;
  /** ffmpeg deadline (default 60 s). */
  decodeTimeoutMs?: number;
}

const DEFAULT_VAD: VadOptions = { threshold: 0.5, prefixPaddingMs: 200, minSilenceMs: 400, minSpeechMs: 200 };

export class AudioTranscriber {
  constructor(
    private readonly vad: VoiceActivityDetector,
    private readonly asr: SpeechRecognizer,
    private readonly options: AudioTranscriberOptions = {},
  ) {}

  get models(): { vad: string; asr: string } {
    return { vad: this.vad.modelId, asr: this.asr.modelId };
  }

  /** Throws {@link AvError} when the bytes do not decode (the caller names the part). */
  async transcribe(bytes: Uint8Array, opts: Pick<AvRunOptions, 'signal'> = {}): Promise<AudioTranscript> {
    const t0 = performance.now();
    const pcm = await decodeAudio(bytes, { sampleRate: 16_000, timeoutMs: this.options.decodeTimeoutMs ?? 60_000, signal: opts.signal });
    const t1 = performance.now();
    const speech = await this.vad.segments(pcm, { ...DEFAULT_VAD, ...this.options.vad });
    const t2 = performance.now();
    const maxMs = this.options.maxSegmentMs ?? 30_000;
    const segments: TranscriptSegment[] = [];
    for (const s of speech) {
      for (let from = s.startMs; from < s.endMs; from += maxMs) {
        opts.signal?.throwIfAborted();
        const to = Math.min(s.endMs, from + maxMs);
        const a = Math.floor((from * pcm.sampleRate) / 1000);
        const b = Math.min(pcm.samples.length, Math.ceil((to * pcm.sampleRate) / 1000));
        if (b - a < pcm.sampleRate / 10) continue;
        const t = await this.asr.transcribe({ samples: pcm.samples.subarray(a, b), sampleRate: pcm.sampleRate });
        const text = t.text.trim();
        if (text) segments.push({ startMs: Math.round(from), endMs: Math.round(to), text });
      }
    }
    const t3 = performance.now();
    return {
      durationMs: Math.round((pcm.samples.length * 1000) / pcm.sampleRate),
      segments,
      text: segments.map((s) => s.text).join(' '),
      speech,
      models: this.models,
      timings: { decodeMs: t1 - t0, vadMs: t2 - t1, asrMs: t3 - t2 },
    };
  }
}
