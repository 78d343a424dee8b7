import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelUnavailableError, type SpeechRecognizer } from '@frontier/ml-ports';
import { espeak, padWithNoise } from '../testing/speech-fixture';
import { resample } from '../resample';
import { createPocketsphinxAsr, parsePocketsphinxOutput } from './pocketsphinx';
import { wordErrorRate } from './wer';

const SENTENCE = 'Remember to buy milk tomorrow morning.';

describe('PocketSphinx ASR (Debian pocketsphinx + pocketsphinx-en-us)', () => {
  let asr: SpeechRecognizer;
  beforeAll(async () => {
    try {
      asr = await createPocketsphinxAsr();
    } catch (e) {
      throw new Error(`needs Debian packages pocketsphinx and pocketsphinx-en-us: ${(e as Error).message}`);
    }
  });

  it('transcribes espeak-ng speech to non-empty text with word timings; reports WER', async () => {
    const clip = padWithNoise(espeak(SENTENCE, ['-v', 'en-us', '-s', '140']), 500, 500);
    const t = await asr.transcribe(clip);
    const wer = wordErrorRate(SENTENCE, t.text);
    console.log(`pocketsphinx: "${t.text}" — WER ${wer.wer.toFixed(2)} (${wer.substitutions} sub, ${wer.deletions} del, ${wer.insertions} ins / ${wer.referenceWords})`);
    expect(t.text.trim().length).toBeGreaterThan(0);
    expect(t.language).toBe('en');
    expect(t.durationMs).toBeCloseTo((clip.samples.length * 1000) / clip.sampleRate, 6);
    expect(t.segments?.length).toBeGreaterThan(0);
    for (const s of t.segments ?? []) {
      expect(s.startMs).toBeGreaterThanOrEqual(0);
      expect(s.endMs).toBeGreaterThan(s.startMs);
      expect(s.endMs).toBeLessThanOrEqual(t.durationMs + 50);
    }
    expect(wer.wer).toBeLessThanOrEqual(1); // weak model: we only insist it is not worse than silence
    // the same clip at 48 kHz goes through the resampler to the same 16 kHz input
    const hi = await asr.transcribe(resample(clip, 48000));
    expect(hi.text.length).toBeGreaterThan(0);
  }, 30_000); // pocketsphinx decodes in a child process: seconds on a loaded 2-core machine

  it('parses multi-utterance -time output, dropping fillers and alternate-pronunciation marks', () => {
    const out = ['hello world', '<s> 0.000 0.290 0.999600', 'hello 0.300 0.650 1.000000', '<sil> 0.660 0.800 0.997902', 'world(2) 0.810 1.100 0.5', '</s> 1.110 1.210 1.000000', 'buy milk', '<s> 2.910 3.370 0.999700', 'buy 3.380 3.580 0.558128', '[NOISE] 3.590 4.290 0.999900', 'milk 4.300 4.500 0.007951', '</s> 4.630 4.830 1.000000', ''].join('\n');
    expect(parsePocketsphinxOutput(out)).toEqual([
      { startMs: 300, endMs: 1100, text: 'hello world' },
      { startMs: 3380, endMs: 4500, text: 'buy milk' },
    ]);
    expect(parsePocketsphinxOutput('')).toEqual([]);
  });

  it('rejects bad audio and languages it has no model for', async () => {
    await expect(asr.transcribe({ samples: new Float32Array(0), sampleRate: 16000 })).rejects.toMatchObject({ code: 'empty_input' });
    await expect(asr.transcribe({ samples: new Float32Array(160), sampleRate: 7 })).rejects.toMatchObject({ code: 'bad_sample_rate', field: 'audio.sampleRate' });
    await expect(asr.transcribe({ samples: new Float32Array(160), sampleRate: 16000 }, { language: 'de' })).rejects.toMatchObject({ code: 'invalid_argument', field: 'options.language' });
  });

  it('names a missing binary or missing model files with ModelUnavailableError', async () => {
    await expect(createPocketsphinxAsr({ binary: 'no-such-pocketsphinx' })).rejects.toThrow(/no-such-pocketsphinx not found.*pocketsphinx/);
    const dir = mkdtempSync(join(tmpdir(), 'ps-'));
    try {
      await expect(createPocketsphinxAsr({ modelDir: dir })).rejects.toThrow(/missing model files: .*en-us.*en-us\.lm\.bin.*cmudict-en-us\.dict/);
      // a decoder that fails is reported with its exit code
      const fake = join(dir, 'fake-decoder');
      writeFileSync(fake, '#!/bin/sh\necho "FATAL: broken decoder" >&2\nexit 3\n');
      chmodSync(fake, 0o755);
      const broken = await createPocketsphinxAsr({ binary: fake });
      const err = await broken.transcribe({ samples: new Float32Array(1600), sampleRate: 16000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelUnavailableError);
      expect((err as Error).message).toMatch(/exited with code 3: FATAL: broken decoder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
