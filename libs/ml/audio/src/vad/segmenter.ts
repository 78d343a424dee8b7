/**
 * Turns per-frame speech probabilities into speech segments and Realtime-style events. Pure: the
 * same frames give the same segments whether they arrive all at once or in pieces.
 *
 * Rules (Silero's get_speech_timestamps hysteresis with OpenAI Realtime server_vad options):
 * - speech starts at the first frame with p ≥ threshold;
 * - inside speech, a frame with p < threshold − 0.15 (floored at 0.01) opens a silence run, a frame
 *   with p ≥ threshold cancels it; when the run reaches `minSilenceMs` the segment ends where the
 *   silence began, less `offsetLagMs` (the model's measured lag behind the end of speech, see
 *   SileroVadOptions), never before the speech start;
 * - segments whose speech (before padding) is shorter than `minSpeechMs` are dropped;
 * - the reported start is moved `prefixPaddingMs` earlier, never before 0 or the previous end.
 * `speech_started` is emitted once the open segment has `minSpeechMs` of speech (so a dropped blip
 * never starts), carrying the padded start; `speech_stopped` carries the finished segment.
 */
import { MlInputError, type SpeechSegment, type VadEvent, type VadOptions } from '@frontier/ml-ports';

export interface ResolvedVadOptions {
  threshold: number;
  negThreshold: number;
  minSilenceMs: number;
  prefixPaddingMs: number;
  minSpeechMs: number;
  offsetLagMs: number;
}

export const VAD_DEFAULTS = { threshold: 0.5, minSilenceMs: 500, prefixPaddingMs: 300, minSpeechMs: 250 } as const;

function ms(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 60_000) {
    throw new MlInputError('invalid_argument', `options.${field}`, `must be a number of milliseconds in [0, 60000], got ${String(value)}`);
  }
  return value;
}

export function resolveVadOptions(options: VadOptions = {}, offsetLagMs = 0): ResolvedVadOptions {
  const threshold = options.threshold ?? VAD_DEFAULTS.threshold;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) {
    throw new MlInputError('invalid_argument', 'options.threshold', `must be a probability in (0, 1), got ${String(threshold)}`);
  }
  return {
    threshold,
    negThreshold: Math.max(threshold - 0.15, 0.01),
    minSilenceMs: ms(options.minSilenceMs, 'minSilenceMs', VAD_DEFAULTS.minSilenceMs),
    prefixPaddingMs: ms(options.prefixPaddingMs, 'prefixPaddingMs', VAD_DEFAULTS.prefixPaddingMs),
    minSpeechMs: ms(options.minSpeechMs, 'minSpeechMs', VAD_DEFAULTS.minSpeechMs),
    offsetLagMs,
  };
}

export class VadSegmenter {
  private inSpeech = false;
  private confirmed = false;
  private rawStartMs = 0;
  private paddedStartMs = 0;
  private silenceStartMs: number | null = null;
  private lastEndMs = 0;

  constructor(private readonly o: ResolvedVadOptions) {}

  /** One frame [startMs, endMs) with its speech probability; returns the events it completes. */
  frame(startMs: number, endMs: number, p: number): VadEvent[] {
    const events: VadEvent[] = [];
    if (!this.inSpeech) {
      if (p < this.o.threshold) return events;
      this.inSpeech = true;
      this.confirmed = false;
      this.rawStartMs = startMs;
      this.paddedStartMs = Math.max(0, this.lastEndMs, startMs - this.o.prefixPaddingMs);
      this.silenceStartMs = null;
    } else if (p >= this.o.threshold) {
      this.silenceStartMs = null;
    } else if (p < this.o.negThreshold && this.silenceStartMs === null) {
      this.silenceStartMs = startMs;
    }
    const speechEnd = this.silenceStartMs === null ? endMs : this.speechEnd(this.silenceStartMs);
    if (!this.confirmed && speechEnd - this.rawStartMs >= this.o.minSpeechMs) {
      this.confirmed = true;
      events.push({ type: 'speech_started', atMs: this.paddedStartMs });
    }
    if (this.silenceStartMs !== null && endMs - this.silenceStartMs >= this.o.minSilenceMs) {
      this.close(this.speechEnd(this.silenceStartMs), events);
    }
    return events;
  }

  /** End of audio at `endMs`: closes an open segment. */
  finish(endMs: number): VadEvent[] {
    const events: VadEvent[] = [];
    if (!this.inSpeech) return events;
    const end = this.silenceStartMs === null ? endMs : Math.min(this.speechEnd(this.silenceStartMs), endMs);
    if (!this.confirmed && end - this.rawStartMs >= this.o.minSpeechMs) {
      this.confirmed = true;
      events.push({ type: 'speech_started', atMs: this.paddedStartMs });
    }
    this.close(end, events);
    return events;
  }

  /** Where speech ended, given where the model's silence run began. */
  private speechEnd(silenceStartMs: number): number {
    return Math.max(this.rawStartMs, silenceStartMs - this.o.offsetLagMs);
  }

  private close(endMs: number, events: VadEvent[]): void {
    this.inSpeech = false;
    if (!this.confirmed) return;
    const segment: SpeechSegment = { startMs: this.paddedStartMs, endMs };
    this.lastEndMs = endMs;
    events.push({ type: 'speech_stopped', atMs: endMs, segment });
  }
}
