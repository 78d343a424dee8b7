/** Bench media for the audio benches: espeak-ng sentences, padded with silence and noise. */
import { readFileSync } from 'node:fs';
import type { PcmAudio } from '@frontier/ml-ports';
import { decodeWav } from '@frontier/ml-audio';
import { audibleSpan, concat, espeak, padWithNoise } from '@frontier/ml-audio/testing';
import { median } from '../../lib/harness';

export const SENTENCES = [
  'Please call Stella and ask her to bring these things with her from the store.',
  'Hello world, this is a test of voice activity detection.',
  'Seven slippery snakes slid silently southward.',
  'Open the pod bay doors.',
  'My phone number is five five five, one two three four.',
  'Why did the chicken cross the road?',
  'Remember to buy milk tomorrow morning.',
  'The meeting has been moved to Thursday at noon.',
];
export const VOICES: string[][] = [[], ['-v', 'en-us', '-s', '140'], ['-v', 'en-gb-x-rp', '-s', '190'], ['-v', 'en+f3']];

export interface LabelledClip {
  text: string;
  audio: PcmAudio;
  /** The audible speech span inside `audio`, ms. */
  span: { startMs: number; endMs: number };
}

/** One sentence: 1.0 s of noise, the speech, 1.5 s of noise (noise ≈ −56 dBFS). */
export function labelledClip(text: string, voice: string[] = [], seed = 7): LabelledClip {
  const speech = espeak(text, voice);
  const s = audibleSpan(speech);
  return { text, audio: padWithNoise(speech, 1000, 1500, 0.003, seed), span: { startMs: s.startMs + 1000, endMs: s.endMs + 1000 } };
}

/** About `seconds` of speech and pauses: the sentences in turn, each padded, concatenated. */
export function longClip(seconds: number): PcmAudio {
  const clips: PcmAudio[] = [];
  let ms = 0;
  for (let i = 0; ms < seconds * 1000; i++) {
    const c = labelledClip(SENTENCES[i % SENTENCES.length], VOICES[i % VOICES.length], i + 1).audio;
    clips.push(c);
    ms += (c.samples.length * 1000) / c.sampleRate;
  }
  return concat(clips);
}

/** The clip named on the command line (a WAV), or `fallback()`. */
export function clipFromArgs(fallback: () => PcmAudio): { audio: PcmAudio; source: string } {
  const path = process.argv[2];
  return path ? { audio: decodeWav(readFileSync(path)), source: path } : { audio: fallback(), source: 'generated (espeak-ng)' };
}

/**
 * Median wall time (ms) of each function over `repeats` rounds after one warm-up round; the
 * functions run interleaved within a round so drift (heat, GC, other load) hits them alike.
 */
export async function medianMsInterleaved<K extends string>(fns: Record<K, () => Promise<unknown>>, repeats: number): Promise<Record<K, number>> {
  const keys = Object.keys(fns) as K[];
  const times = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r <= repeats; r++) {
    for (const k of keys) {
      const t0 = performance.now();
      await fns[k]();
      if (r > 0) times[k].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, median(times[k])])) as Record<K, number>;
}
