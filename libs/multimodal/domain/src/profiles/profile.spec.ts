import type { VideoPart } from '../parts';
import { asrTranscriptTokens, roundHalfEven, sampledFrames, scaleToMaxSide } from './profile';

describe('profile helpers', () => {
  const clip: VideoPart = { kind: 'video', durationS: 30, fps: 24, keyframes: 0, width: 640, height: 360 };

  it('samples ⌈duration × fps⌉ frames, never more than the source, at least one', () => {
    expect(sampledFrames(clip, { mode: 'fps', fps: 1 })).toBe(30);
    expect(sampledFrames(clip, { mode: 'fps', fps: 0.25 })).toBe(8);
    expect(sampledFrames({ ...clip, durationS: 0.7 }, { mode: 'fps', fps: 10 })).toBe(7); // not 8 from 7.000000000000001
    expect(sampledFrames(clip, { mode: 'fps', fps: 100 })).toBe(720);
    expect(sampledFrames({ ...clip, durationS: 0 }, { mode: 'fps', fps: 1 })).toBe(1);
  });

  it('uses the keyframe count, or one per 2 s when the container did not say', () => {
    expect(sampledFrames({ ...clip, keyframes: 7 }, { mode: 'keyframes' })).toBe(7);
    expect(sampledFrames(clip, { mode: 'keyframes' })).toBe(15);
    expect(sampledFrames({ ...clip, durationS: 0 }, { mode: 'keyframes' })).toBe(1);
  });

  it('scales the long edge down to maxSide, never up', () => {
    expect(scaleToMaxSide(1920, 1080, 336)).toEqual({ width: 336, height: 189 });
    expect(scaleToMaxSide(1080, 1920, 280)).toEqual({ width: 158, height: 280 });
    expect(scaleToMaxSide(100, 50, 336)).toEqual({ width: 100, height: 50 });
    expect(scaleToMaxSide(10_000, 1, 84)).toEqual({ width: 84, height: 1 });
  });

  it('rounds halves to even', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, 7].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3, 7]);
  });

  it('estimates ASR transcripts at 3.25 tokens/s unless known', () => {
    expect(asrTranscriptTokens({ kind: 'audio', durationS: 60 })).toBe(195);
    expect(asrTranscriptTokens({ kind: 'audio', durationS: 1 })).toBe(4);
    expect(asrTranscriptTokens({ kind: 'audio', durationS: 60, transcriptTokens: 7 })).toBe(7);
  });
});
