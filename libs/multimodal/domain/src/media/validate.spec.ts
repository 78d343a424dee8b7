import { fixture, mediaError } from './fixtures.spec-helper';
import { MEDIA_LIMITS, mediaLimits } from './limits';
import { validateMediaPart } from './validate';

describe('validateMediaPart', () => {
  it('image_url: returns the sniffed type and the size for the planner', () => {
    expect(validateMediaPart('image', fixture('image-64x48.png'))).toEqual({
      kind: 'image',
      mime: 'image/png',
      byteLength: 554,
      declaredMismatch: false,
      image: { mime: 'image/png', width: 64, height: 48 },
    });
  });

  it('input_audio / video_url / file return their metadata', () => {
    expect(validateMediaPart('audio', fixture('audio-1s-8k-mono.wav'), MEDIA_LIMITS, { declaredMime: 'wav' })).toMatchObject({
      kind: 'audio',
      mime: 'audio/wav',
      declaredMismatch: false,
      audio: { durationS: 1, sampleRate: 8000 },
    });
    expect(validateMediaPart('video', fixture('video-2s-10fps-g5.mp4'))).toMatchObject({
      kind: 'video',
      video: { durationS: 2, fps: 10, keyframes: 4, width: 64, height: 48 },
    });
    expect(validateMediaPart('file', fixture('doc-1page.pdf'), MEDIA_LIMITS, { filename: 'report.pdf' })).toMatchObject({
      kind: 'document',
      mime: 'application/pdf',
      document: { pages: 1, version: '1.4' },
    });
    expect(validateMediaPart('file', fixture('text-utf8.txt'), MEDIA_LIMITS, { filename: 'notes.md' })).toMatchObject({ kind: 'document', mime: 'text/plain', declaredMismatch: false });
    expect(validateMediaPart('file', fixture('image-64x48.jpg'), MEDIA_LIMITS, { filename: 'scan.jpg' })).toMatchObject({ kind: 'image' });
  });

  it('a PNG inside input_audio is refused: kind_mismatch naming both', () => {
    const e = mediaError(() => validateMediaPart('audio', fixture('image-64x48.png'), MEDIA_LIMITS, { part: 'messages[1].content[0]', declaredMime: 'wav' }));
    expect(e.code).toBe('kind_mismatch');
    expect(e.part).toBe('messages[1].content[0]');
    expect(e.message).toBe('messages[1].content[0]: the bytes are image/png (declared wav): an image is not allowed in an input_audio part (accepts audio)');
  });

  it('wrong MIME behind a right extension: a JPEG named x.png / declared image/png is accepted as the JPEG it is', () => {
    const r = validateMediaPart('image', fixture('image-64x48.jpg'), MEDIA_LIMITS, { declaredMime: 'image/png', filename: 'x.png' });
    expect(r).toMatchObject({ kind: 'image', mime: 'image/jpeg', declaredMismatch: true, image: { width: 64, height: 48 } });
    // aliases and the audio/video container families are not mismatches
    expect(validateMediaPart('image', fixture('image-64x48.jpg'), MEDIA_LIMITS, { declaredMime: 'image/jpg' }).declaredMismatch).toBe(false);
    expect(validateMediaPart('audio', fixture('audio-1s-opus.webm'), MEDIA_LIMITS, { declaredMime: 'video/webm' }).declaredMismatch).toBe(false);
    expect(validateMediaPart('audio', fixture('audio-1s-cbr.mp3'), MEDIA_LIMITS, { declaredMime: 'mp3' }).declaredMismatch).toBe(false);
    expect(validateMediaPart('audio', fixture('audio-1s-cbr.mp3'), MEDIA_LIMITS, { declaredMime: 'wav' }).declaredMismatch).toBe(true);
  });

  it('a text file named .png is refused (kind_mismatch); random bytes are unsupported_media', () => {
    const e = mediaError(() => validateMediaPart('image', fixture('text-utf8.txt'), MEDIA_LIMITS, { filename: 'x.png', declaredMime: 'image/png' }));
    expect(e.code).toBe('kind_mismatch');
    expect(e.message).toMatch(/the bytes are text\/plain \(declared image\/png\): a document is not allowed in an image_url part/);
    expect(mediaError(() => validateMediaPart('image', Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))).code).toBe('unsupported_media');
    expect(mediaError(() => validateMediaPart('image', new Uint8Array(0))).message).toMatch(/empty/);
  });

  it('an audio-only WebM in video_url, or a video in input_audio, is a kind mismatch', () => {
    expect(mediaError(() => validateMediaPart('video', fixture('audio-1s-opus.webm'))).code).toBe('kind_mismatch');
    expect(mediaError(() => validateMediaPart('audio', fixture('video-2s-10fps-g5-audio.mp4'))).code).toBe('kind_mismatch');
    expect(mediaError(() => validateMediaPart('file', fixture('audio-1s-cbr.mp3'))).code).toBe('kind_mismatch');
  });

  it('a truncated part is refused as truncated', () => {
    const png = fixture('image-64x48.png');
    expect(mediaError(() => validateMediaPart('image', png.subarray(0, 300))).code).toBe('truncated');
    const mp4 = fixture('video-2s-10fps-g5.mp4');
    expect(mediaError(() => validateMediaPart('video', mp4.subarray(0, 2000))).code).toBe('truncated');
  });

  it('limits: bytes, pixels, side, frames → too_large; seconds → too_long', () => {
    const png = fixture('image-64x48.png');
    expect(mediaError(() => validateMediaPart('image', png, mediaLimits({ image: { maxBytes: 500 } }))).message).toMatch(/554 bytes, over the 500-byte limit/);
    expect(mediaError(() => validateMediaPart('image', png, mediaLimits({ image: { maxPixels: 64 * 48 - 1 } }))).message).toMatch(/64×48 = 3072 pixels, over the 3071-pixel limit/);
    expect(mediaError(() => validateMediaPart('image', png, mediaLimits({ image: { maxSide: 63 } }))).code).toBe('too_large');
    expect(mediaError(() => validateMediaPart('image', fixture('image-64x48-3f.gif'), mediaLimits({ image: { maxFrames: 2 } }))).message).toMatch(/3 frames/);
    expect(mediaError(() => validateMediaPart('audio', fixture('audio-1s-16k.flac'), mediaLimits({ audio: { maxSeconds: 0.5 } }))).code).toBe('too_long');
    expect(mediaError(() => validateMediaPart('video', fixture('video-2s-10fps-g5.webm'), mediaLimits({ video: { maxSeconds: 1.5 } }))).message).toMatch(/2\.0 s, over the 1\.5-second video limit/);
    expect(mediaError(() => validateMediaPart('video', fixture('video-2s-10fps-g5.webm'), mediaLimits({ video: { maxPixels: 1000 } }))).code).toBe('too_large');
    expect(mediaError(() => validateMediaPart('file', fixture('doc-1page.pdf'), mediaLimits({ document: { maxBytes: 100 } }))).code).toBe('too_large');
  });

  it('SVG in image_url: unsupported_media (recognised, not accepted)', () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    expect(mediaError(() => validateMediaPart('image', svg)).code).toBe('unsupported_media');
  });
});

describe('MEDIA_LIMITS / mediaLimits', () => {
  it('defaults: 20 MiB and 50 MP per image', () => {
    expect(MEDIA_LIMITS.image).toEqual({ maxBytes: 20 * 1024 * 1024, maxPixels: 50_000_000, maxSide: 16_384, maxFrames: 1000 });
    expect(Object.isFrozen(MEDIA_LIMITS) && Object.isFrozen(MEDIA_LIMITS.image)).toBe(true);
  });

  it('overrides merge per group; Infinity disables a limit; bad values throw RangeError', () => {
    const l = mediaLimits({ audio: { maxSeconds: 60 }, video: { maxBytes: Infinity } });
    expect(l.audio).toEqual({ maxBytes: MEDIA_LIMITS.audio.maxBytes, maxSeconds: 60 });
    expect(l.video.maxBytes).toBe(Infinity);
    expect(l.image).toEqual(MEDIA_LIMITS.image);
    expect(() => mediaLimits({ image: { maxPixels: 0 } })).toThrow(new RangeError('media limit image.maxPixels must be a positive number, got 0'));
    expect(() => mediaLimits({ image: { maxPixels: Number.NaN } })).toThrow(RangeError);
    expect(() => mediaLimits({ image: { maxPixel: 5 } as never })).toThrow(/unknown media limit image.maxPixel/);
  });
});
