import fc from 'fast-check';
import { ANTHROPIC, ANTHROPIC_MAX_LONG_EDGE_PX, ANTHROPIC_MAX_PIXELS, anthropicImageTokens, anthropicResize } from './anthropic';

describe('anthropic profile', () => {
  it('reproduces Anthropic’s table: 200² ≈ 54, 1000² ≈ 1334, 1092² ≈ 1590 (⌈w·h/750⌉)', () => {
    expect(anthropicImageTokens(200, 200)).toBe(54);
    expect(anthropicImageTokens(1000, 1000)).toBe(1334);
    expect(anthropicImageTokens(1092, 1092)).toBe(1590);
  });

  it('leaves Anthropic’s listed maximum sizes alone', () => {
    expect(anthropicResize(1092, 1092)).toEqual({ width: 1092, height: 1092 });
    expect(anthropicResize(951, 1268)).toEqual({ width: 951, height: 1268 });
    expect(anthropicResize(896, 1344)).toEqual({ width: 896, height: 1344 });
    expect(anthropicResize(819, 1456)).toEqual({ width: 819, height: 1456 });
    expect(anthropicResize(784, 1568)).toEqual({ width: 784, height: 1568 });
  });

  it('scales a long edge over 1568 px or an area over ~1.15 MP down, keeping the aspect', () => {
    expect(anthropicResize(3000, 2000)).toEqual({ width: 1357, height: 905 });
    expect(anthropicImageTokens(3000, 2000)).toBe(1638);
    expect(anthropicResize(2000, 2000)).toEqual({ width: 1108, height: 1108 });
    expect(anthropicResize(4000, 400)).toEqual({ width: 1568, height: 156 });
  });

  it('never exceeds 1568 px or the area cap, so never over ~1,640 tokens (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12_000 }), fc.integer({ min: 1, max: 12_000 }), (w, h) => {
        const r = anthropicResize(w, h);
        expect(Math.max(r.width, r.height)).toBeLessThanOrEqual(ANTHROPIC_MAX_LONG_EDGE_PX);
        expect(r.width * r.height).toBeLessThanOrEqual(ANTHROPIC_MAX_PIXELS);
        expect(anthropicImageTokens(w, h)).toBeLessThanOrEqual(1640);
      }),
    );
  });

  it('has a ladder of long edges and ASR audio, frames-as-images video', () => {
    expect(ANTHROPIC.imageLadder).toEqual([1092, 768, 512, 336, 168]);
    expect(ANTHROPIC.nativeAudio).toBe(false);
    expect(ANTHROPIC.nativeVideo).toBe(false);
    expect(ANTHROPIC.videoTokens({ kind: 'video', durationS: 2, fps: 30, keyframes: 1, width: 1000, height: 1000 }, { mode: 'fps', fps: 1 })).toBe(2 * 1334);
    expect(ANTHROPIC.contextTokens).toBe(200_000);
  });
});
