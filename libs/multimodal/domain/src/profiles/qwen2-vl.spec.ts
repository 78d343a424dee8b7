import fc from 'fast-check';
import type { VideoPart } from '../parts';
import { QWEN2_VL, QWEN_MAX_PIXELS, QWEN_MIN_PIXELS, qwenImageTokens, qwenSmartResize, qwenVideoFrames, qwenVideoTokens } from './qwen2-vl';

describe('qwen2-vl profile', () => {
  it('smart_resize rounds to the nearest multiple of 28: 1920×1080 → 1932×1092 → 69×39 = 2691 tokens', () => {
    expect(qwenSmartResize(1080, 1920)).toEqual({ height: 1092, width: 1932 });
    expect(qwenImageTokens(1920, 1080)).toBe(2691);
    expect(qwenImageTokens(224, 224)).toBe(64);
    expect(qwenImageTokens(448, 448)).toBe(256);
  });

  it('rounds halves to even like Python: 42 and 70 px both become 56 (1.5 → 2, 2.5 → 2)', () => {
    expect(qwenSmartResize(42, 70)).toEqual({ height: 56, width: 56 });
  });

  it('scales up below min_pixels (4 tokens) and down above max_pixels (16384 tokens)', () => {
    expect(QWEN_MIN_PIXELS).toBe(3136);
    expect(QWEN_MAX_PIXELS).toBe(12_845_056);
    expect(qwenSmartResize(10, 10)).toEqual({ height: 56, width: 56 });
    expect(qwenImageTokens(10, 10)).toBe(4);
    expect(qwenSmartResize(10_000, 10_000)).toEqual({ height: 3556, width: 3556 });
    expect(qwenImageTokens(10_000, 10_000)).toBe(16_129);
  });

  it('always gives multiples of 28 and 4…16384 tokens (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }), (w, h) => {
        fc.pre(Math.max(w, h) / Math.min(w, h) <= 200); // Qwen refuses wider ratios
        const r = qwenSmartResize(h, w);
        expect(r.height % 28).toBe(0);
        expect(r.width % 28).toBe(0);
        const t = qwenImageTokens(w, h);
        expect(t).toBeGreaterThanOrEqual(4);
        expect(t).toBeLessThanOrEqual(16_384);
      }),
    );
  });

  const clip: VideoPart = { kind: 'video', durationS: 10, fps: 30, keyframes: 5, width: 1280, height: 720 };

  it('samples video at 2 fps, two frames per token grid, frames within 128…768 tokens', () => {
    expect(QWEN2_VL.videoFpsLadder[0]).toBe(2);
    expect(qwenVideoFrames(clip, { mode: 'fps', fps: 2 })).toBe(20);
    // 1280×720 frames: 1288×728 is over 768·28² px → scaled to 1008×560 → 36×20 = 720 tokens per frame pair
    expect(qwenVideoTokens(clip, { mode: 'fps', fps: 2 })).toBe(10 * 720);
    expect(QWEN2_VL.videoTokens(clip, { mode: 'fps', fps: 1 })).toBe(5 * 720);
    // small frames are scaled up to the 128-token floor
    expect(qwenVideoTokens({ ...clip, width: 64, height: 64 }, { mode: 'fps', fps: 2 })).toBe(10 * 144);
  });

  it('keeps at least 4 frames, at most the source has, and pads to an even count', () => {
    expect(qwenVideoFrames({ ...clip, durationS: 1 }, { mode: 'fps', fps: 2 })).toBe(4);
    expect(qwenVideoFrames({ ...clip, durationS: 1, fps: 1 }, { mode: 'fps', fps: 2 })).toBe(4); // clamped up to the minimum
    expect(qwenVideoFrames(clip, { mode: 'fps', fps: 0.25 })).toBe(4);
    expect(qwenVideoFrames({ ...clip, durationS: 3600 }, { mode: 'fps', fps: 2 })).toBe(768);
    expect(qwenVideoFrames(clip, { mode: 'keyframes' })).toBe(6);
    expect(qwenVideoTokens(clip, { mode: 'keyframes' })).toBe(3 * 720);
  });

  it('has no native audio (ASR) and a 32k context', () => {
    expect(QWEN2_VL.nativeAudio).toBe(false);
    expect(QWEN2_VL.nativeVideo).toBe(true);
    expect(QWEN2_VL.audioTokens({ kind: 'audio', durationS: 10 })).toBe(33);
    expect(QWEN2_VL.contextTokens).toBe(32_768);
  });
});
