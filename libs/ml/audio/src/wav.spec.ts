import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlInputError } from '@frontier/ml-ports';
import { decodeWav, encodeWav, encodeWavChannels, type WavSampleFormat } from './wav';
import { checkPcm } from './pcm';

function tone(n: number, rate: number, hz = 440, amp = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / rate));
}

function expectInputError(fn: () => unknown, code: string, field: string | RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MlInputError);
    expect((e as MlInputError).code).toBe(code);
    if (typeof field === 'string') expect((e as MlInputError).field).toBe(field);
    else expect((e as MlInputError).field).toMatch(field);
    return;
  }
  throw new Error(`expected MlInputError ${code}`);
}

describe('WAV codec', () => {
  it.each<[WavSampleFormat, number]>([
    ['pcm16', 1 / 32767],
    ['pcm24', 1 / 8388607],
    ['pcm32', 1e-7],
    ['float32', 0],
  ])('round-trips %s within one quantisation step', (format, step) => {
    const samples = tone(1000, 22050);
    const back = decodeWav(encodeWav({ samples, sampleRate: 22050 }, format));
    expect(back.sampleRate).toBe(22050);
    expect(back.samples.length).toBe(1000);
    let err = 0;
    for (let i = 0; i < samples.length; i++) err = Math.max(err, Math.abs(back.samples[i] - samples[i]));
    expect(err).toBeLessThanOrEqual(step + 1e-7);
  });

  it('mixes stereo down to mono by averaging the channels', () => {
    const left = new Float32Array([0.5, -0.5, 1, 0]);
    const right = new Float32Array([0.5, 0.5, 0, -1]);
    const mono = decodeWav(encodeWavChannels([left, right], 48000, 'float32'));
    expect(Array.from(mono.samples)).toEqual([0.5, 0, 0.5, -0.5]);
    expect(mono.sampleRate).toBe(48000);
  });

  it('decodes files written by sox (24-bit stereo, 32-bit float, 8-bit, WAVE_FORMAT_EXTENSIBLE)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wav-'));
    try {
      const cases: [string[], number, number][] = [
        [['-b', '24', '-c', '2', '-r', '44100'], 44100, 2 / 8388607],
        [['-e', 'floating-point', '-b', '32', '-r', '8000'], 8000, 1e-6],
        [['-b', '8', '-r', '16000'], 16000, 2 / 128],
        [['-b', '16', '-c', '4', '-r', '24000'], 24000, 2 / 32767], // sox writes >2 channels as EXTENSIBLE
      ];
      for (const [args, rate, tol] of cases) {
        const file = join(dir, `t${rate}.wav`);
        const r = spawnSync('sox', ['-D', '-n', ...args, file, 'synth', '0.25', 'sine', '440', 'vol', '0.5']);
        if (r.error) throw new Error('sox is not installed: apt-get install sox (Debian package sox)');
        expect(r.status).toBe(0);
        const pcm = decodeWav(readFileSync(file));
        expect(pcm.sampleRate).toBe(rate);
        expect(pcm.samples.length).toBe(rate / 4);
        // sox starts its sine at a fraction-of-a-sample phase: compare level and pitch, not samples
        let sq = 0;
        let crossings = 0;
        for (let i = 0; i < pcm.samples.length; i++) {
          sq += pcm.samples[i] ** 2;
          if (i > 0 && pcm.samples[i - 1] < 0 && pcm.samples[i] >= 0) crossings++;
        }
        expect(Math.sqrt(sq / pcm.samples.length)).toBeCloseTo(0.5 / Math.SQRT2, 2);
        expect(Math.abs(crossings - 110)).toBeLessThanOrEqual(1); // 440 Hz × 0.25 s
        expect(Math.max(...pcm.samples)).toBeLessThan(0.5 + tol + 1e-3);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad WAV bytes with typed errors', () => {
    const good = encodeWav({ samples: tone(100, 16000), sampleRate: 16000 });
    expectInputError(() => decodeWav(new Uint8Array(0)), 'empty_input', 'audio');
    expectInputError(() => decodeWav(new TextEncoder().encode('ID3 this is an mp3, honest')), 'unsupported_format', 'audio');
    expectInputError(() => decodeWav(good.subarray(0, good.length - 51)), 'corrupt_media', 'audio');
    expectInputError(() => decodeWav(good.subarray(0, 30)), 'corrupt_media', 'audio');
    const noData = good.slice(0, 36);
    new DataView(noData.buffer).setUint32(4, 28, true);
    expectInputError(() => decodeWav(noData), 'corrupt_media', 'audio');
    const badRate = good.slice();
    new DataView(badRate.buffer).setUint32(24, 123, true);
    expectInputError(() => decodeWav(badRate), 'bad_sample_rate', 'audio.sampleRate');
    const alaw = good.slice();
    new DataView(alaw.buffer).setUint16(20, 6, true);
    expectInputError(() => decodeWav(alaw), 'unsupported_format', 'audio');
    const nan = encodeWav({ samples: new Float32Array([0, NaN, 0]), sampleRate: 16000 }, 'float32');
    expectInputError(() => decodeWav(nan), 'invalid_argument', 'audio.samples[1]');
  });

  it('validates PCM clips', () => {
    expectInputError(() => checkPcm({ samples: new Float32Array(0), sampleRate: 16000 }), 'empty_input', 'audio.samples');
    expectInputError(() => checkPcm({ samples: new Float32Array(10), sampleRate: 0 }), 'bad_sample_rate', 'audio.sampleRate');
    expectInputError(() => checkPcm({ samples: new Float32Array(10), sampleRate: 16000.5 }), 'bad_sample_rate', 'audio.sampleRate');
    expectInputError(() => checkPcm({ samples: new Float32Array([0, Infinity]), sampleRate: 16000 }), 'invalid_argument', 'audio.samples[1]');
    expectInputError(() => checkPcm({ samples: [0.1] as unknown as Float32Array, sampleRate: 16000 }), 'unsupported_format', 'audio.samples');
    expectInputError(() => checkPcm(null), 'empty_input', 'audio');
  });
});
