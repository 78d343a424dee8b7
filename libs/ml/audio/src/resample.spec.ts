import { MlInputError } from '@frontier/ml-ports';
import { Rng } from '@frontier/platform-util';
import { resample, StreamingResampler } from './resample';

const tone = (n: number, rate: number, hz: number) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

describe('windowed-sinc resampler', () => {
  it.each([8000, 22050, 24000, 44100, 48000])('%i Hz → 16 kHz keeps a 1 kHz tone (error < 1e-4) and its length', (rate) => {
    const out = resample({ samples: tone(rate, rate, 1000), sampleRate: rate }, 16000);
    expect(out.sampleRate).toBe(16000);
    expect(out.samples.length).toBe(16000);
    const want = tone(16000, 16000, 1000);
    let err = 0;
    for (let i = 200; i < 15800; i++) err = Math.max(err, Math.abs(out.samples[i] - want[i]));
    expect(err).toBeLessThan(1e-4);
  });

  it.each([22050, 44100, 48000])('%i Hz → 16 kHz removes a 10 kHz tone instead of aliasing it to 6 kHz', (rate) => {
    const out = resample({ samples: tone(rate, rate, 10000), sampleRate: rate }, 16000);
    let peak = 0;
    for (let i = 200; i < out.samples.length - 200; i++) peak = Math.max(peak, Math.abs(out.samples[i]));
    expect(peak).toBeLessThan(1e-3); // from 0.5: more than 54 dB down
  });

  it('gives bit-identical output for any chunking of the input', () => {
    const x = tone(44100, 44100, 523);
    const whole = resample({ samples: x, sampleRate: 44100 }, 16000).samples;
    const rng = new Rng(1);
    const rnd = () => rng.next();
    const r = new StreamingResampler(44100, 16000);
    const parts: number[] = [];
    for (let at = 0; at < x.length; ) {
      const n = Math.floor(rnd() * 2000);
      parts.push(...r.push(x.subarray(at, at + n)));
      at += n;
    }
    parts.push(...r.end());
    expect(Float32Array.from(parts)).toEqual(whole);
  });

  it('rejects unsupported rates', () => {
    expect(() => new StreamingResampler(4000, 16000)).toThrow(MlInputError);
    expect(() => resample({ samples: new Float32Array(4), sampleRate: NaN }, 16000)).toThrow(MlInputError);
  });
});
