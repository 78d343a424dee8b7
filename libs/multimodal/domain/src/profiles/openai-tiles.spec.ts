import fc from 'fast-check';
import type { VideoPart } from '../parts';
import { OPENAI_TILES, openAiImageTokens } from './openai-tiles';

describe('openai-tiles profile', () => {
  it('reproduces OpenAI’s examples: 1024×1024 high → 765, 2048×4096 high → 1105, low → 85', () => {
    expect(openAiImageTokens(1024, 1024, 'high')).toBe(765);
    expect(openAiImageTokens(2048, 4096, 'high')).toBe(1105);
    expect(openAiImageTokens(4096, 8192, 'high')).toBe(1105);
    expect(openAiImageTokens(2048, 4096, 'low')).toBe(85);
    expect(openAiImageTokens(1, 1, 'low')).toBe(85);
  });

  it('treats auto (and no detail) as high', () => {
    expect(openAiImageTokens(1024, 1024, 'auto')).toBe(765);
    expect(openAiImageTokens(1024, 1024)).toBe(765);
    expect(OPENAI_TILES.imageTokens(1920, 1080)).toBe(1105); // 1365×768 → 3×2 tiles
  });

  it('never scales up: 512×512 and smaller are one tile (255)', () => {
    expect(openAiImageTokens(512, 512, 'high')).toBe(255);
    expect(openAiImageTokens(100, 100, 'high')).toBe(255);
    expect(openAiImageTokens(513, 100, 'high')).toBe(425);
    expect(openAiImageTokens(3000, 100, 'high')).toBe(765); // 2048×68: 4×1 tiles
  });

  it('is 85 + 170k for a tile count k ≤ 12 (a 768×2048 image at most, property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 10_000 }), (w, h) => {
        const t = openAiImageTokens(w, h, 'high');
        expect((t - 85) % 170).toBe(0);
        expect((t - 85) / 170).toBeGreaterThanOrEqual(1);
        expect((t - 85) / 170).toBeLessThanOrEqual(12);
      }),
    );
  });

  it('steps images by detail (high → low) and costs video frames as high-detail images', () => {
    expect(OPENAI_TILES.lowDetailStep).toBe(true);
    expect(OPENAI_TILES.imageLadder).toEqual([]);
    const clip: VideoPart = { kind: 'video', durationS: 4, fps: 25, keyframes: 2, width: 1024, height: 1024 };
    expect(OPENAI_TILES.videoTokens(clip, { mode: 'fps', fps: 1 })).toBe(4 * 765);
    expect(OPENAI_TILES.videoTokens(clip, { mode: 'keyframes' })).toBe(2 * 765);
    expect(OPENAI_TILES.contextTokens).toBe(128_000);
  });
});
