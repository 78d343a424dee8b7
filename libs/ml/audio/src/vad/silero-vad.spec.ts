import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlInputError, ModelUnavailableError, type PcmAudio, type SpeechSegment, type VadEvent } from '@frontier/ml-ports';
import { Rng } from '@frontier/platform-util';
import { resample } from '../resample';
import { audibleSpan, concat, espeak, padWithNoise } from '../testing/speech-fixture';
import { createSileroVad, type SileroVad } from './silero-vad';

const SENTENCES = ['Please call Stella and ask her to bring these things with her from the store.', 'Remember to buy milk tomorrow morning.'];
const BEFORE_MS = 1000;
const AFTER_MS = 1500;
const TOLERANCE_MS = 100;

interface Clip {
  audio: PcmAudio;
  span: { startMs: number; endMs: number };
}

function makeClip(text: string, voice: string[] = []): Clip {
  const speech = espeak(text, voice); // 22.05 kHz
  const s = audibleSpan(speech);
  return { audio: padWithNoise(speech, BEFORE_MS, AFTER_MS), span: { startMs: s.startMs + BEFORE_MS, endMs: s.endMs + BEFORE_MS } };
}

async function streamInChunks(vad: SileroVad, audio: PcmAudio, nextSize: () => number, options = {}): Promise<{ events: VadEvent[]; segments: SpeechSegment[] }> {
  const s = vad.stream(audio.sampleRate, options);
  const events: VadEvent[] = [];
  for (let at = 0; at < audio.samples.length; ) {
    const n = nextSize();
    events.push(...(await s.push(audio.samples.subarray(at, at + n))));
    at += n;
  }
  events.push(...(await s.end()));
  return { events, segments: events.flatMap((e) => (e.type === 'speech_stopped' ? [e.segment] : [])) };
}

describe('Silero VAD v5 (onnxruntime-node)', () => {
  let vad: SileroVad;
  let clips: Clip[];

  beforeAll(async () => {
    vad = await createSileroVad();
    clips = SENTENCES.map((t, i) => makeClip(t, i === 1 ? ['-v', 'en-us', '-s', '140'] : []));
  });
  afterAll(() => vad.close());

  it('finds one segment within ±100 ms of the spoken span of espeak-ng speech padded with silence and noise', async () => {
    for (const { audio, span } of clips) {
      const segments = await vad.segments(audio, { prefixPaddingMs: 0 });
      expect(segments).toHaveLength(1);
      expect(Math.abs(segments[0].startMs - span.startMs)).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(Math.abs(segments[0].endMs - span.endMs)).toBeLessThanOrEqual(TOLERANCE_MS);
    }
  });

  it('applies the Realtime defaults: the start moves 300 ms earlier (prefix padding)', async () => {
    const { audio } = clips[0];
    const [unpadded] = await vad.segments(audio, { prefixPaddingMs: 0 });
    const [padded] = await vad.segments(audio);
    expect(padded.startMs).toBe(unpadded.startMs - 300);
    expect(padded.endMs).toBe(unpadded.endMs);
  });

  it('splits two utterances separated by more than minSilenceMs and joins them when the gap is shorter', async () => {
    const a = espeak('Hello there.');
    const b = espeak('How are you today?');
    const gap = (ms: number) => ({ samples: new Float32Array((a.sampleRate * ms) / 1000), sampleRate: a.sampleRate });
    const twoParts = padWithNoise(concat([a, gap(1200), b]), 500, 800);
    expect(await vad.segments(twoParts)).toHaveLength(2);
    expect(await vad.segments(twoParts, { minSilenceMs: 1500 })).toHaveLength(1);
    // a stricter threshold never finds more speech
    const strict = await vad.segments(twoParts, { threshold: 0.9 });
    const total = (s: SpeechSegment[]) => s.reduce((n, x) => n + x.endMs - x.startMs, 0);
    expect(total(strict)).toBeLessThanOrEqual(total(await vad.segments(twoParts)));
  });

  it('drops speech shorter than minSpeechMs and finds nothing in noise alone', async () => {
    const word = espeak('Hi.');
    const clip = padWithNoise(word, 800, 800);
    const span = audibleSpan(word);
    expect(await vad.segments(clip, { minSpeechMs: span.endMs - span.startMs + 400 })).toEqual([]);
    const noise = padWithNoise({ samples: new Float32Array(0), sampleRate: 16000 }, 3000, 0);
    expect(await vad.segments(noise)).toEqual([]);
  });

  it('streams pushes of random sizes to exactly the whole-clip segments, with started/stopped events in order', async () => {
    for (const { audio } of clips) {
      const whole = await vad.segments(audio);
      const rng = new Rng(42);
      const rnd = () => rng.next();
      const random = await streamInChunks(vad, audio, () => 1 + Math.floor(rnd() * 3000));
      expect(random.segments).toEqual(whole);
      expect(random.events.map((e) => e.type)).toEqual(whole.flatMap(() => ['speech_started', 'speech_stopped']));
      const started = random.events.find((e) => e.type === 'speech_started');
      expect(started?.atMs).toBe(whole[0].startMs);
      // 20 ms pushes, like a Realtime client
      const twentyMs = await streamInChunks(vad, audio, () => (audio.sampleRate * 20) / 1000); // 441 samples at 22.05 kHz
      expect(twentyMs.segments).toEqual(whole);
    }
  });

  it('handles 48 kHz input by resampling, whole and streamed, with the same accuracy', async () => {
    const { audio, span } = clips[0];
    const hi = resample(audio, 48000);
    const [seg] = await vad.segments(hi, { prefixPaddingMs: 0 });
    expect(Math.abs(seg.startMs - span.startMs)).toBeLessThanOrEqual(TOLERANCE_MS);
    expect(Math.abs(seg.endMs - span.endMs)).toBeLessThanOrEqual(TOLERANCE_MS);
    const streamed = await streamInChunks(vad, hi, () => 960, { prefixPaddingMs: 0 });
    expect(streamed.segments).toEqual([seg]);
  });

  it('keeps concurrent streams independent', async () => {
    const [a, b] = clips;
    const [sa, sb] = await Promise.all([vad.segments(a.audio), vad.segments(b.audio)]);
    expect(sa).toEqual(await vad.segments(a.audio));
    expect(sb).toEqual(await vad.segments(b.audio));
  });

  it('rejects bad input with typed errors', async () => {
    const ok = clips[0].audio;
    await expect(vad.segments({ samples: new Float32Array(0), sampleRate: 16000 })).rejects.toMatchObject({ code: 'empty_input', field: 'audio.samples' });
    await expect(vad.segments({ samples: ok.samples, sampleRate: 1000 })).rejects.toMatchObject({ code: 'bad_sample_rate', field: 'audio.sampleRate' });
    await expect(vad.segments({ samples: new Float32Array([0, NaN]), sampleRate: 16000 })).rejects.toMatchObject({ code: 'invalid_argument', field: 'audio.samples[1]' });
    await expect(vad.segments(ok, { threshold: 1.5 })).rejects.toMatchObject({ code: 'invalid_argument', field: 'options.threshold' });
    await expect(vad.segments(ok, { minSilenceMs: -1 })).rejects.toMatchObject({ code: 'invalid_argument', field: 'options.minSilenceMs' });
    expect(() => vad.stream(44099.5)).toThrow(MlInputError);
    const s = vad.stream(16000);
    await expect(s.push(new Float32Array([Infinity]))).rejects.toMatchObject({ code: 'invalid_argument', field: 'samples[0]' });
    await s.end();
    await expect(s.push(new Float32Array(10))).rejects.toMatchObject({ code: 'invalid_argument', field: 'stream' });
  });

  it('fails to load a missing or wrong model file with ModelUnavailableError', async () => {
    await expect(createSileroVad({ modelPath: '/nonexistent/silero.onnx' })).rejects.toBeInstanceOf(ModelUnavailableError);
    const dir = mkdtempSync(join(tmpdir(), 'vad-'));
    try {
      writeFileSync(join(dir, 'junk.onnx'), 'not an onnx model');
      await expect(createSileroVad({ modelPath: join(dir, 'junk.onnx') })).rejects.toMatchObject({ name: 'ModelUnavailableError', role: 'vad' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
