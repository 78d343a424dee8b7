import type { VideoPart } from '../parts';
import { GEMINI, geminiAudioTokens, geminiImageTokens, geminiVideoTokens } from './gemini';

describe('gemini profile', () => {
  it('costs 258 when both sides are ≤ 384 px', () => {
    expect(geminiImageTokens(384, 384)).toBe(258);
    expect(geminiImageTokens(1, 300)).toBe(258);
  });

  it('reproduces Google’s crop-unit example: 960×540 → unit 360 → 3×2 tiles → 1548', () => {
    expect(geminiImageTokens(960, 540)).toBe(1548);
    expect(geminiImageTokens(1920, 1080)).toBe(1548); // same aspect, same tiles
    expect(geminiImageTokens(1024, 1024)).toBe(4 * 258);
    expect(geminiImageTokens(385, 100)).toBe(12 * 258); // unit 66: 6×2
  });

  it('reproduces the docs: video 263 tokens/s (10 s → 2630), audio 32 tokens/s (30 s → 960)', () => {
    const clip: VideoPart = { kind: 'video', durationS: 10, fps: 30, keyframes: 4, width: 1280, height: 720 };
    expect(geminiVideoTokens(clip, { mode: 'fps', fps: 1 })).toBe(2630);
    expect(GEMINI.videoTokens(clip, { mode: 'fps', fps: 0.5 })).toBe(5 * 263);
    expect(GEMINI.videoTokens(clip, { mode: 'keyframes' })).toBe(4 * 263);
    expect(geminiAudioTokens({ kind: 'audio', durationS: 30 })).toBe(960);
    expect(GEMINI.audioTokens({ kind: 'audio', durationS: 0.5, transcriptTokens: 999 })).toBe(16); // native: the transcript does not matter
  });

  it('is native in audio and video, degrades images only to the 384-px single tile, 1M context', () => {
    expect(GEMINI.nativeAudio).toBe(true);
    expect(GEMINI.nativeVideo).toBe(true);
    expect(GEMINI.imageLadder).toEqual([384]);
    expect(GEMINI.contextTokens).toBe(1_048_576);
  });
});
