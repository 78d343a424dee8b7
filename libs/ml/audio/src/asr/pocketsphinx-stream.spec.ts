import { execFileSync } from 'node:child_process';
import { espeak, padWithNoise } from '../testing/speech-fixture';
import { resample } from '../resample';
import { createPocketsphinxAsr } from './pocketsphinx';
import type { PocketsphinxStream } from './pocketsphinx-stream';
import { wordErrorRate } from './wer';

/** Live (not zombie) processes in a process group: sh, cat and pocketsphinx_continuous. */
const alive = (pgid: number) =>
  execFileSync('ps', ['-e', '-o', 'pgid=,stat=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([g, stat]) => Number(g) === pgid && stat && !stat.startsWith('Z'))
    .map(([, , comm]) => comm);

describe('PocketSphinx streaming (one resident pocketsphinx_continuous fed on stdin)', () => {
  it('decodes two turns pushed in 100-ms chunks on the same process, with turn-relative timings, and close() kills it', async () => {
    const asr = await createPocketsphinxAsr();
    const stream = asr.openStream?.(24_000) as PocketsphinxStream;
    const pid = stream.pid as number;
    expect(pid).toBeGreaterThan(0);
    for (let i = 0; i < 50 && !alive(pid).includes('pocketsphinx_co'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toContain('pocketsphinx_co');
    try {
      for (const sentence of ['Remember to buy milk tomorrow morning.', 'Turn on the kitchen lights.']) {
        const clip = resample(padWithNoise(espeak(sentence, ['-v', 'en-us', '-s', '140']), 300, 300), 24_000);
        for (let i = 0; i < clip.samples.length; i += 2400) stream.push(clip.samples.subarray(i, i + 2400));
        const t = await stream.end({ silenceMs: 300 });
        const wer = wordErrorRate(sentence, t.text);
        console.log(`pocketsphinx stream: "${t.text}" — WER ${wer.wer.toFixed(2)}`);
        expect(t.text.trim().length).toBeGreaterThan(0);
        expect(t.durationMs).toBeCloseTo((clip.samples.length * 1000) / 24_000, 6);
        for (const s of t.segments ?? []) {
          expect(s.startMs).toBeGreaterThanOrEqual(0);
          expect(s.endMs).toBeLessThanOrEqual(t.durationMs + 300);
        }
        expect(stream.pid).toBe(pid); // the same resident recogniser
      }
      expect(await stream.end()).toMatchObject({ text: '' }); // nothing pushed: no wait
    } finally {
      stream.close();
    }
    expect(stream.pid).toBeNull();
    for (let i = 0; i < 50 && alive(pid).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(pid)).toEqual([]);
  }, 60_000);

  it('a decoder that dies on its own is replaced at the next turn (and the dead one leaves no process)', async () => {
    const asr = await createPocketsphinxAsr();
    const stream = asr.openStream?.(24_000) as PocketsphinxStream;
    const first = stream.pid as number;
    try {
      process.kill(-first, 'SIGKILL');
      for (let i = 0; i < 100 && (alive(first).length > 0 || stream.pid !== null); i++) await new Promise((r) => setTimeout(r, 20));
      expect(stream.pid).toBeNull();
      const clip = resample(padWithNoise(espeak('Turn on the kitchen lights.', ['-v', 'en-us', '-s', '140']), 300, 300), 24_000);
      for (let i = 0; i < clip.samples.length; i += 2400) stream.push(clip.samples.subarray(i, i + 2400));
      expect(stream.pid).not.toBe(first);
      const t = await stream.end({ silenceMs: 300 });
      expect(t.text.trim().length).toBeGreaterThan(0);
    } finally {
      const second = stream.pid;
      stream.close();
      for (let i = 0; i < 50 && second && alive(second).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      if (second) expect(alive(second)).toEqual([]);
    }
  }, 60_000);
});
