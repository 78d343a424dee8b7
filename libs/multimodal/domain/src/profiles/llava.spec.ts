import type { VideoPart } from '../parts';
import { LLAVA_15, LLAVA_IMAGE_LADDER, llavaImageTokens } from './llava';
import { ASR_TOKENS_PER_SECOND } from './profile';

describe('llava-1.5 profile', () => {
  it('reproduces the design: 576 tokens at 336 px (24×24 patches of 14 px)', () => {
    expect(llavaImageTokens(336, 336)).toBe(576);
    expect(llavaImageTokens(1920, 1080)).toBe(576); // resized to 336 whatever the source
    expect(llavaImageTokens(4032, 3024)).toBe(576);
  });

  it('reproduces the ladder: 400 / 144 / 36 tokens at 280 / 168 / 84 px, (side/14)²', () => {
    expect(LLAVA_IMAGE_LADDER).toEqual([336, 280, 168, 84]);
    expect(LLAVA_15.imageLadder).toEqual([336, 280, 168, 84]);
    expect(llavaImageTokens(280, 158)).toBe(400);
    expect(llavaImageTokens(168, 168)).toBe(144);
    expect(llavaImageTokens(47, 84)).toBe(36);
    for (const side of LLAVA_IMAGE_LADDER) expect(llavaImageTokens(side, side)).toBe((side / 14) ** 2);
  });

  it('encodes a small image at the smallest rung that holds it', () => {
    expect(llavaImageTokens(337, 10)).toBe(576);
    expect(llavaImageTokens(281, 281)).toBe(576);
    expect(llavaImageTokens(200, 100)).toBe(400);
    expect(llavaImageTokens(100, 50)).toBe(144);
    expect(llavaImageTokens(1, 1)).toBe(36);
    expect(LLAVA_15.imageTokens(100, 50, 'low')).toBe(144); // no detail switch
  });

  it('costs a video as frames × 576: 30 s at 1 fps = 17,280 tokens (the design)', () => {
    const clip: VideoPart = { kind: 'video', durationS: 30, fps: 30, keyframes: 10, width: 1920, height: 1080 };
    expect(LLAVA_15.nativeVideo).toBe(false);
    expect(LLAVA_15.videoFpsLadder).toEqual([1, 0.5, 0.25]);
    expect(LLAVA_15.videoFrames(clip, { mode: 'fps', fps: 1 })).toBe(30);
    expect(LLAVA_15.videoTokens(clip, { mode: 'fps', fps: 1 })).toBe(17_280);
    expect(LLAVA_15.videoTokens(clip, { mode: 'fps', fps: 0.5 })).toBe(15 * 576);
    expect(LLAVA_15.videoTokens(clip, { mode: 'keyframes' })).toBe(10 * 576);
  });

  it('costs audio as its ASR transcript: known tokens, else 3.25 tokens/s', () => {
    expect(LLAVA_15.nativeAudio).toBe(false);
    expect(ASR_TOKENS_PER_SECOND).toBe(3.25);
    expect(LLAVA_15.audioTokens({ kind: 'audio', durationS: 60 })).toBe(195);
    expect(LLAVA_15.audioTokens({ kind: 'audio', durationS: 60, transcriptTokens: 120 })).toBe(120);
    expect(LLAVA_15.audioTokens({ kind: 'audio', durationS: 0 })).toBe(0);
  });

  it('has a 4k context by default', () => {
    expect(LLAVA_15.contextTokens).toBe(4096);
    expect(LLAVA_15.id).toBe('llava-1.5');
    expect(LLAVA_15.lowDetailStep).toBe(false);
  });
});
