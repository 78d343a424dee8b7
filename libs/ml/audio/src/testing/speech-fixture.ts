/**
 * Real test speech: espeak-ng (Debian package `espeak-ng`) renders a sentence to a 22.05 kHz WAV,
 * which is decoded here, measured, and padded with silence plus low deterministic noise. Used by
 * the specs and the benchmarks; nothing here is a mock.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PcmAudio } from '@frontier/ml-ports';
import { Rng } from '@frontier/platform-util';
import { decodeWav } from '../wav';

/** Speaks `text` with espeak-ng; throws naming the Debian package when the tool is missing. */
export function espeak(text: string, args: string[] = []): PcmAudio {
  const dir = mkdtempSync(join(tmpdir(), 'espeak-'));
  try {
    const file = join(dir, 'speech.wav');
    const r = spawnSync('espeak-ng', [...args, '-w', file, text], { encoding: 'utf8' });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('espeak-ng is not installed: apt-get install espeak-ng (Debian package espeak-ng)');
    }
    if (r.status !== 0) throw new Error(`espeak-ng failed (${r.status}): ${r.stderr}`);
    return decodeWav(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The non-silent part of a clip: first and last sample above `floor` (absolute amplitude), in ms. */
export function audibleSpan(audio: PcmAudio, floor = 0.01): { startMs: number; endMs: number } {
  let first = -1;
  let last = -1;
  for (let i = 0; i < audio.samples.length; i++) {
    if (Math.abs(audio.samples[i]) > floor) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) throw new Error('clip is silent');
  return { startMs: (first * 1000) / audio.sampleRate, endMs: ((last + 1) * 1000) / audio.sampleRate };
}

/** Deterministic uniform noise source in [0, 1) (the workspace's seeded PRNG). */
export function noiseSource(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/**
 * `beforeMs` of silence, the clip, `afterMs` of silence, with uniform noise of peak `noise`
 * (default 0.003 ≈ −56 dBFS RMS) over the whole result.
 */
export function padWithNoise(audio: PcmAudio, beforeMs: number, afterMs: number, noise = 0.003, seed = 7): PcmAudio {
  const rate = audio.sampleRate;
  const before = Math.round((beforeMs * rate) / 1000);
  const after = Math.round((afterMs * rate) / 1000);
  const samples = new Float32Array(before + audio.samples.length + after);
  samples.set(audio.samples, before);
  const rnd = noiseSource(seed);
  for (let i = 0; i < samples.length; i++) samples[i] += (rnd() * 2 - 1) * noise;
  return { samples, sampleRate: rate };
}

/** Concatenates clips of one rate. */
export function concat(clips: readonly PcmAudio[]): PcmAudio {
  const samples = new Float32Array(clips.reduce((n, c) => n + c.samples.length, 0));
  let at = 0;
  for (const c of clips) {
    samples.set(c.samples, at);
    at += c.samples.length;
  }
  return { samples, sampleRate: clips[0].sampleRate };
}
