import { fixture, mediaError } from './fixtures.spec-helper';
import { inspectVideo } from './video';

// Every video fixture: testsrc2 64×48, 2.0 s at 10 fps, a keyframe every 5 frames (-g 5, no
// scene-cut keyframes) → 20 frames, 4 keyframes.
const H264 = { durationS: 2, fps: 10, frames: 20, keyframes: 4, width: 64, height: 48, codec: 'avc1', durationEstimated: false };

describe('inspectVideo: exact metadata from the container', () => {
  it('MP4 (moov at the end): 2.0 s, 10 fps, 20 frames, 4 keyframes (stss), 64×48, no audio', () => {
    expect(inspectVideo(fixture('video-2s-10fps-g5.mp4'))).toEqual({ mime: 'video/mp4', ...H264, hasAudio: false });
  });

  it('MP4 with an AAC track: hasAudio', () => {
    expect(inspectVideo(fixture('video-2s-10fps-g5-audio.mp4'))).toEqual({ mime: 'video/mp4', ...H264, hasAudio: true });
  });

  it('MP4 faststart (moov first), MOV, fragmented MP4 (moof/trun sample flags)', () => {
    expect(inspectVideo(fixture('video-2s-10fps-g5-faststart.mp4'))).toEqual({ mime: 'video/mp4', ...H264, hasAudio: false });
    expect(inspectVideo(fixture('video-2s-10fps-g5.mov'))).toEqual({ mime: 'video/quicktime', ...H264, hasAudio: false });
    expect(inspectVideo(fixture('video-2s-10fps-g5-frag.mp4'))).toEqual({ mime: 'video/mp4', ...H264, hasAudio: false });
  });

  it('WebM (VP8): Segment duration, Tracks pixel size, SimpleBlocks counted with their keyframe flags', () => {
    expect(inspectVideo(fixture('video-2s-10fps-g5.webm'))).toEqual({ mime: 'video/webm', ...H264, codec: 'V_VP8', hasAudio: false });
    // the container's duration includes the Opus track's last block
    expect(inspectVideo(fixture('video-2s-10fps-g5-audio.webm'))).toEqual({
      mime: 'video/webm',
      ...H264,
      durationS: 2.008,
      codec: 'V_VP8',
      hasAudio: true,
    });
  });

  it('audio-only containers: unsupported_media "no video track"', () => {
    expect(mediaError(() => inspectVideo(fixture('audio-1s.m4a'))).message).toMatch(/no video track/);
    expect(mediaError(() => inspectVideo(fixture('audio-1s-opus.webm'))).message).toMatch(/no video track/);
    expect(mediaError(() => inspectVideo(fixture('audio-1s-8k-mono.wav'))).code).toBe('unsupported_media');
  });
});

describe('inspectVideo: truncation', () => {
  it.each([
    'video-2s-10fps-g5.mp4',
    'video-2s-10fps-g5-audio.mp4',
    'video-2s-10fps-g5-faststart.mp4',
    'video-2s-10fps-g5-frag.mp4',
    'video-2s-10fps-g5.mov',
    'video-2s-10fps-g5.webm',
    'video-2s-10fps-g5-audio.webm',
  ])('%s cut at 24 offsets → truncated', (name) => {
    const full = fixture(name);
    for (let k = 1; k <= 24; k++) {
      const at = Math.max(40, Math.floor((full.length * k) / 25));
      const e = mediaError(() => inspectVideo(full.subarray(0, at)));
      expect([at, e.code]).toEqual([at, 'truncated']);
    }
  });

  it('MP4 whose moov never arrived (an unfinished recording): truncated, saying why', () => {
    const mp4 = fixture('video-2s-10fps-g5.mp4'); // moov at the end
    const moov = mp4.findIndex((_, i) => mp4[i + 4] === 0x6d && mp4[i + 5] === 0x6f && mp4[i + 6] === 0x6f && mp4[i + 7] === 0x76);
    expect(mediaError(() => inspectVideo(mp4.subarray(0, moov))).message).toMatch(/no moov box/);
  });

  it('faststart MP4 cut right after moov: the sample offsets point past the end', () => {
    const mp4 = fixture('video-2s-10fps-g5-faststart.mp4');
    const mdat = mp4.findIndex((_, i) => mp4[i + 4] === 0x6d && mp4[i + 5] === 0x64 && mp4[i + 6] === 0x61 && mp4[i + 7] === 0x74);
    expect(mediaError(() => inspectVideo(mp4.subarray(0, mdat))).message).toMatch(/past the end/);
  });
});
