/**
 * VAD bench: Silero VAD v5 real-time factor (processing time / audio duration, median of runs) on
 * about 60 s of speech and pauses, whole clip vs streamed in 20 ms pushes (the baseline a Realtime
 * client produces), at 16 kHz and from 48 kHz (resampling included); and boundary accuracy on 32
 * labelled espeak-ng clips (8 sentences × 4 voices, noise-padded).
 *
 *   node -r @swc-node/register bench/ml/vad.ts [clip.wav] [repeats=5]
 */
import type { PcmAudio } from '@frontier/ml-ports';
import { createSileroVad, resample, type SileroVad } from '@frontier/ml-audio';
import { round } from '../lib/harness';
import { clipFromArgs, labelledClip, longClip, medianMsInterleaved, SENTENCES, VOICES } from './audio/corpus';

const REPEATS = Number(process.argv[3] ?? 5);

async function streamed(vad: SileroVad, audio: PcmAudio, chunkMs: number): Promise<number> {
  const s = vad.stream(audio.sampleRate);
  const n = Math.round((audio.sampleRate * chunkMs) / 1000);
  let segments = 0;
  for (let at = 0; at < audio.samples.length; at += n) segments += (await s.push(audio.samples.subarray(at, at + n))).filter((e) => e.type === 'speech_stopped').length;
  return segments + (await s.end()).filter((e) => e.type === 'speech_stopped').length;
}

async function main(): Promise<void> {
  const vad = await createSileroVad();
  const { audio: input, source } = clipFromArgs(() => longClip(60));
  const clip16 = resample(input, 16000);
  const clip48 = resample(input, 48000);
  const seconds = clip16.samples.length / 16000;
  const rtf = (ms: number) => ms / 1000 / seconds;

  const t = await medianMsInterleaved(
    {
      whole16: () => vad.segments(clip16),
      stream16: () => streamed(vad, clip16, 20),
      whole48: () => vad.segments(clip48),
      stream48: () => streamed(vad, clip48, 20),
    },
    REPEATS,
  );
  const [wholeMs, streamMs, whole48Ms, stream48Ms] = [t.whole16, t.stream16, t.whole48, t.stream48];
  const frames = Math.ceil(clip16.samples.length / 512);
  const segments = (await vad.segments(clip16)).length;

  const startErr: number[] = [];
  const endErr: number[] = [];
  let wrongCount = 0;
  for (const text of SENTENCES) {
    for (const voice of VOICES) {
      const c = labelledClip(text, voice);
      const seg = await vad.segments(c.audio, { prefixPaddingMs: 0 });
      if (seg.length !== 1) {
        wrongCount++;
        continue;
      }
      startErr.push(seg[0].startMs - c.span.startMs);
      endErr.push(seg[0].endMs - c.span.endMs);
    }
  }
  const mae = (xs: number[]) => xs.reduce((a, x) => a + Math.abs(x), 0) / xs.length;
  const maxAbs = (xs: number[]) => Math.max(...xs.map(Math.abs));
  const within100 = [...startErr, ...endErr].every((x) => Math.abs(x) <= 100);

  console.log(`audio: ${source}, ${seconds.toFixed(1)} s, ${frames} frames of 32 ms, ${segments} segments; ${REPEATS} runs, medians`);
  console.log(`16 kHz whole clip     ${wholeMs.toFixed(0).padStart(6)} ms  RTF ${rtf(wholeMs).toFixed(4)}  ${((wholeMs / frames) * 1000).toFixed(0)} µs/frame`);
  console.log(`16 kHz 20 ms pushes   ${streamMs.toFixed(0).padStart(6)} ms  RTF ${rtf(streamMs).toFixed(4)}  (×${(streamMs / wholeMs).toFixed(2)} of whole)`);
  console.log(`48 kHz whole clip     ${whole48Ms.toFixed(0).padStart(6)} ms  RTF ${rtf(whole48Ms).toFixed(4)}  (resampling included)`);
  console.log(`48 kHz 20 ms pushes   ${stream48Ms.toFixed(0).padStart(6)} ms  RTF ${rtf(stream48Ms).toFixed(4)}`);
  console.log(`boundaries on ${startErr.length} labelled clips (${wrongCount} not found as one segment): start error mean |·| ${mae(startErr).toFixed(0)} ms (max ${maxAbs(startErr).toFixed(0)}), end ${mae(endErr).toFixed(0)} ms (max ${maxAbs(endErr).toFixed(0)})`);
  await vad.close();
  console.log(
    JSON.stringify({
      bench: 'ml-vad',
      model: 'silero-vad-v5',
      audioSeconds: round(seconds, 1),
      rtfWhole16k: round(rtf(wholeMs), 5),
      rtfStream20ms16k: round(rtf(streamMs), 5),
      streamVsWholeRatio: round(streamMs / wholeMs, 3),
      rtfWhole48k: round(rtf(whole48Ms), 5),
      rtfStream20ms48k: round(rtf(stream48Ms), 5),
      usPerFrame: round((wholeMs / frames) * 1000, 1),
      labelledClips: startErr.length + wrongCount,
      missedClips: wrongCount,
      startMaeMs: round(mae(startErr), 1),
      endMaeMs: round(mae(endErr), 1),
      allWithin100ms: within100,
    }),
  );
}

void main();
