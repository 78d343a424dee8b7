/**
 * ASR bench: PocketSphinx (Debian, the offline fallback) real-time factor and word error rate on
 * espeak-ng sentences (8 sentences × 4 voices, each with 1.0 s / 1.5 s of noise around it), as
 * given (baseline) vs cut to the Silero VAD speech segments first (the pipeline a service runs).
 * RTF = decode time / audio duration, median over clips; WER = all word errors / all reference
 * words. With a WAV argument, also transcribes that file once and prints the text.
 *
 *   node -r @swc-node/register bench/ml/asr.ts [clip.wav] [voices=4]
 */
import { readFileSync } from 'node:fs';
import type { PcmAudio } from '@frontier/ml-ports';
import { createPocketsphinxAsr, createSileroVad, decodeWav, wordErrorRate } from '@frontier/ml-audio';
import { median, round } from '../lib/harness';
import { labelledClip, SENTENCES, VOICES } from './audio/corpus';

const N_VOICES = Number(process.argv[3] ?? VOICES.length);

function cut(audio: PcmAudio, segments: { startMs: number; endMs: number }[]): PcmAudio {
  const parts = segments.map((s) => audio.samples.subarray(Math.floor((s.startMs * audio.sampleRate) / 1000), Math.ceil((s.endMs * audio.sampleRate) / 1000)));
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    samples.set(p, at);
    at += p.length;
  }
  return { samples, sampleRate: audio.sampleRate };
}

async function main(): Promise<void> {
  const asr = await createPocketsphinxAsr();
  const vad = await createSileroVad();
  const rows = { full: { rtf: [] as number[], errors: 0, words: 0 }, vad: { rtf: [] as number[], errors: 0, words: 0 } };
  const audioSeconds = { full: 0, vad: 0 };
  const examples: string[] = [];
  for (const voice of VOICES.slice(0, N_VOICES)) {
    for (const text of SENTENCES) {
      const c = labelledClip(text, voice);
      const fullSec = c.audio.samples.length / c.audio.sampleRate;
      let t0 = performance.now();
      const full = await asr.transcribe(c.audio);
      rows.full.rtf.push((performance.now() - t0) / 1000 / fullSec);
      t0 = performance.now();
      const speech = cut(c.audio, await vad.segments(c.audio));
      const trimmed = speech.samples.length > 0 ? await asr.transcribe(speech) : { text: '' };
      const vadSec = speech.samples.length / speech.sampleRate;
      rows.vad.rtf.push((performance.now() - t0) / 1000 / fullSec); // VAD time included, per second of input
      audioSeconds.full += fullSec;
      audioSeconds.vad += vadSec;
      for (const [k, hyp] of [['full', full.text], ['vad', trimmed.text]] as const) {
        const w = wordErrorRate(text, hyp);
        rows[k].errors += w.substitutions + w.deletions + w.insertions;
        rows[k].words += w.referenceWords;
      }
      if (examples.length < 4) examples.push(`  "${text}" → "${full.text}"`);
    }
  }
  const wer = (k: 'full' | 'vad') => rows[k].errors / rows[k].words;
  const rtf = (k: 'full' | 'vad') => median(rows[k].rtf);
  console.log(`pocketsphinx en-us on ${rows.full.rtf.length} espeak-ng clips (${audioSeconds.full.toFixed(0)} s; ${audioSeconds.vad.toFixed(0)} s after VAD), medians per clip`);
  console.log(`full clip          RTF ${rtf('full').toFixed(3)}  WER ${wer('full').toFixed(3)}`);
  console.log(`VAD-cut (+VAD)     RTF ${rtf('vad').toFixed(3)}  WER ${wer('vad').toFixed(3)}  (×${(rtf('vad') / rtf('full')).toFixed(2)} time of full)`);
  console.log(examples.join('\n'));
  const path = process.argv[2];
  let fileText: string | undefined;
  if (path) {
    const t = await asr.transcribe(decodeWav(readFileSync(path)));
    fileText = t.text;
    console.log(`${path}: "${t.text}"`);
  }
  await vad.close();
  console.log(
    JSON.stringify({
      bench: 'ml-asr',
      model: asr.modelId,
      clips: rows.full.rtf.length,
      rtfFull: round(rtf('full'), 4),
      werFull: round(wer('full'), 4),
      rtfVadCut: round(rtf('vad'), 4),
      werVadCut: round(wer('vad'), 4),
      vadCutVsFullTimeRatio: round(rtf('vad') / rtf('full'), 3),
      ...(fileText !== undefined ? { fileText } : {}),
    }),
  );
}

void main();
