import { createPocketsphinxAsr, createSileroVad, type SileroVad } from '@frontier/ml-audio';
import type { SpeechRecognizer } from '@frontier/ml-ports';
import { AvError } from '../av/ffmpeg';
import { speechClip, transcode, type SpeechClip } from '../testing/av-fixtures';
import { AudioTranscriber } from './transcriber';

const TOLERANCE_MS = 100;

describe('AudioTranscriber: ffmpeg → Silero VAD → pocketsphinx on espeak-ng speech with sox-made silences and noise', () => {
  let vad: SileroVad;
  let asr: SpeechRecognizer;
  let clip: SpeechClip;
  let transcriber: AudioTranscriber;

  beforeAll(async () => {
    vad = await createSileroVad();
    asr = await createPocketsphinxAsr();
    clip = speechClip(['Please call Stella.', 'Remember to buy milk tomorrow morning.'], [900, 1400], 1000);
    // no prefix padding so the segments can be compared with the audible spans
    transcriber = new AudioTranscriber(vad, asr, { vad: { prefixPaddingMs: 0 } });
  }, 60_000);
  afterAll(() => vad.close());

  it.each(['wav', 'mp3', 'ogg', 'webm'] as const)('%s: one VAD segment per utterance, each edge within ±100 ms of the generated silences', async (ext) => {
    const bytes = ext === 'wav' ? clip.wav : transcode(clip.wav, ext);
    const t = await transcriber.transcribe(bytes);
    expect(Math.abs(t.durationMs - clip.durationMs)).toBeLessThan(ext === 'wav' ? 5 : 80);
    expect(t.speech).toHaveLength(2);
    t.speech.forEach((s, i) => {
      expect(Math.abs(s.startMs - clip.spans[i].startMs)).toBeLessThanOrEqual(TOLERANCE_MS);
      expect(Math.abs(s.endMs - clip.spans[i].endMs)).toBeLessThanOrEqual(TOLERANCE_MS);
    });
    if (ext === 'wav') {
      // pocketsphinx is weak, but on clean espeak-ng speech it gets the content words
      expect(t.segments).toHaveLength(2);
      expect(t.text.toLowerCase()).toMatch(/tomorrow/);
      expect(t.segments[1].startMs).toBe(t.speech[1].startMs);
      expect(t.timings.asrMs).toBeGreaterThan(0);
    }
  }, 60_000);

  it('refuses a truncated or corrupt clip with an AvError (the gateway names the part)', async () => {
    const mp3 = transcode(clip.wav, 'mp3');
    const garbage = Buffer.from(mp3);
    for (let i = 400; i < garbage.length; i += 97) garbage[i] ^= 0xa5;
    await expect(transcriber.transcribe(garbage)).rejects.toBeInstanceOf(AvError);
    await expect(transcriber.transcribe(Buffer.from('RIFF\0\0\0\0WAVEnot really'))).rejects.toBeInstanceOf(AvError);
  }, 30_000);

  it('finds no speech in noise alone', async () => {
    const silent = speechClip(['.'], [500], 1500);
    const t = await transcriber.transcribe(silent.wav);
    expect(t.segments).toEqual([]);
  }, 30_000);
});
