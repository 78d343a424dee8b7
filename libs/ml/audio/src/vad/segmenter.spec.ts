import type { VadEvent } from '@frontier/ml-ports';
import { resolveVadOptions, VadSegmenter } from './segmenter';

/** Feeds 32 ms frames with the given probabilities; returns all events. */
function run(probs: number[], options = {}, offsetLagMs = 0): VadEvent[] {
  const s = new VadSegmenter(resolveVadOptions(options, offsetLagMs));
  const events = probs.flatMap((p, i) => s.frame(i * 32, (i + 1) * 32, p));
  return [...events, ...s.finish(probs.length * 32)];
}
const frames = (n: number, p: number) => Array<number>(n).fill(p);

describe('VAD segmenter (threshold, hysteresis, silence, padding, min speech)', () => {
  it('starts at the first frame over threshold and ends where minSilenceMs of silence began', () => {
    const ev = run([...frames(20, 0.05), ...frames(20, 0.9), ...frames(20, 0.05)], { prefixPaddingMs: 0 });
    expect(ev).toEqual([
      { type: 'speech_started', atMs: 640 },
      { type: 'speech_stopped', atMs: 1280, segment: { startMs: 640, endMs: 1280 } },
    ]);
  });

  it('keeps speech through dips above threshold − 0.15 and short silences', () => {
    const probs = [...frames(5, 0), ...frames(10, 0.9), ...frames(5, 0.4), ...frames(10, 0.9), ...frames(10, 0.1), ...frames(10, 0.9), ...frames(20, 0)];
    const stops = run(probs, { prefixPaddingMs: 0 }).filter((e) => e.type === 'speech_stopped');
    expect(stops).toHaveLength(1); // 320 ms of silence < 500 ms
    expect(run(probs, { prefixPaddingMs: 0, minSilenceMs: 300 }).filter((e) => e.type === 'speech_stopped')).toHaveLength(2);
  });

  it('pads starts by prefixPaddingMs but never before 0 or the previous segment, and shifts ends by the lag', () => {
    const probs = [...frames(3, 0), ...frames(10, 0.9), ...frames(17, 0), ...frames(10, 0.9), ...frames(20, 0)];
    const segs = run(probs, { minSilenceMs: 500, prefixPaddingMs: 700 }, 64).flatMap((e) => (e.type === 'speech_stopped' ? [e.segment] : []));
    expect(segs).toEqual([
      { startMs: 0, endMs: 416 - 64 },
      { startMs: 416 - 64, endMs: 1280 - 64 }, // 960 − 700 would overlap the first segment
    ]);
  });

  it('drops segments shorter than minSpeechMs without emitting speech_started, and closes open speech at the end', () => {
    expect(run([...frames(5, 0), ...frames(5, 0.9), ...frames(30, 0)], { minSpeechMs: 250 })).toEqual([]);
    const ev = run([...frames(5, 0), ...frames(20, 0.9)], { prefixPaddingMs: 0 }, 64);
    expect(ev.at(-1)).toEqual({ type: 'speech_stopped', atMs: 800, segment: { startMs: 160, endMs: 800 } });
  });
});
