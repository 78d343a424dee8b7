import { MlInputError, type PcmAudio } from '@frontier/ml-ports';

/** Silero VAD and the speech recognisers here all work at 16 kHz. */
export const MODEL_SAMPLE_RATE = 16000;
/** Accepted input rates: any integer rate in this range (8, 11.025, 16, 22.05, 24, 32, 44.1, 48, 96 kHz…). */
export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 192000;

/** Throws MlInputError('bad_sample_rate') unless `rate` is an integer in [8000, 192000] Hz. */
export function checkSampleRate(rate: unknown, field = 'audio.sampleRate'): number {
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
    throw new MlInputError('bad_sample_rate', field, `sample rate must be an integer between ${MIN_SAMPLE_RATE} and ${MAX_SAMPLE_RATE} Hz, got ${String(rate)}`);
  }
  return rate;
}

/** Throws MlInputError('invalid_argument') at the first NaN/±Infinity sample. */
export function checkFinite(samples: Float32Array, field = 'audio.samples'): void {
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i])) {
      throw new MlInputError('invalid_argument', `${field}[${i}]`, `sample is not a finite number (${samples[i]})`);
    }
  }
}

/**
 * Validates a whole clip: a Float32Array of at least one finite sample, a supported rate, and at
 * most `maxSeconds` of audio (default 4 h).
 */
export function checkPcm(audio: PcmAudio | null | undefined, maxSeconds = 4 * 3600): PcmAudio {
  if (!audio || typeof audio !== 'object') throw new MlInputError('empty_input', 'audio', 'no audio given');
  if (!(audio.samples instanceof Float32Array)) {
    throw new MlInputError('unsupported_format', 'audio.samples', 'samples must be a Float32Array of mono PCM in [-1, 1]');
  }
  checkSampleRate(audio.sampleRate);
  if (audio.samples.length === 0) throw new MlInputError('empty_input', 'audio.samples', 'audio has no samples');
  if (audio.samples.length > maxSeconds * audio.sampleRate) {
    throw new MlInputError('input_too_large', 'audio.samples', `audio is longer than ${maxSeconds} s`);
  }
  checkFinite(audio.samples);
  return audio;
}

/** Duration of a clip in milliseconds. */
export function durationMs(audio: PcmAudio): number {
  return (audio.samples.length * 1000) / audio.sampleRate;
}
