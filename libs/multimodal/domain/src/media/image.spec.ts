import { crc32 } from './bytes';
import { concat, fixture, mediaError, patch } from './fixtures.spec-helper';
import { inspectImage } from './image';

describe('inspectImage: dimensions from the headers', () => {
  it.each([
    ['image-64x48.png', { mime: 'image/png', width: 64, height: 48 }],
    ['image-64x48.jpg', { mime: 'image/jpeg', width: 64, height: 48 }],
    ['image-64x48.bmp', { mime: 'image/bmp', width: 64, height: 48 }],
    ['image-64x48-3f.gif', { mime: 'image/gif', width: 64, height: 48, frames: 3 }],
    ['image-64x48-lossy.webp', { mime: 'image/webp', width: 64, height: 48 }],
    ['image-64x48-lossless.webp', { mime: 'image/webp', width: 64, height: 48 }],
    ['image-64x48-3f.webp', { mime: 'image/webp', width: 64, height: 48, frames: 3 }],
  ])('%s', (name, expected) => {
    expect(inspectImage(fixture(name))).toEqual(expected);
  });

  it('ignores bytes after the end marker (PNG IEND, JPEG EOI, GIF trailer)', () => {
    for (const name of ['image-64x48.png', 'image-64x48.jpg', 'image-64x48-3f.gif']) {
      expect(inspectImage(concat(fixture(name), new Uint8Array([1, 2, 3]))).width).toBe(64);
    }
  });
});

describe('inspectImage: truncation', () => {
  it.each(['image-64x48.png', 'image-64x48.jpg', 'image-64x48.bmp', 'image-64x48-3f.gif', 'image-64x48-lossy.webp', 'image-64x48-lossless.webp', 'image-64x48-3f.webp'])(
    '%s cut at several offsets → truncated',
    (name) => {
      const full = fixture(name);
      for (const at of [20, 33, Math.floor(full.length / 3), Math.floor(full.length / 2), full.length - 13, full.length - 2, full.length - 1]) {
        const e = mediaError(() => inspectImage(full.subarray(0, at)));
        expect([at, e.code]).toEqual([at, 'truncated']);
      }
    },
  );

  it('PNG: a chunk cut exactly at a chunk boundary (no IEND) is truncated; a chunk length past the end too', () => {
    const png = fixture('image-64x48.png');
    expect(mediaError(() => inspectImage(png.subarray(0, png.length - 12))).message).toMatch(/before the IEND chunk/);
    expect(mediaError(() => inspectImage(png.subarray(0, 8 + 25))).code).toBe('truncated'); // signature + IHDR only
  });

  it('JPEG: cut inside the scan data names the missing EOI', () => {
    const jpg = fixture('image-64x48.jpg');
    expect(mediaError(() => inspectImage(jpg.subarray(0, jpg.length - 2))).message).toMatch(/EOI/);
  });

  it('GIF: missing trailer 0x3B', () => {
    const gif = fixture('image-64x48-3f.gif');
    expect(mediaError(() => inspectImage(gif.subarray(0, gif.length - 1))).message).toMatch(/trailer/);
  });
});

describe('inspectImage: malformed and impossible sizes', () => {
  /** A 1-chunk-valid PNG with IHDR rewritten (and its CRC recomputed). */
  function pngWithSize(w: number, h: number): Uint8Array {
    const png = fixture('image-64x48.png');
    const out = patch(png, 16, [(w >>> 24) & 255, (w >>> 16) & 255, (w >>> 8) & 255, w & 255, (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255]);
    const crc = crc32(out, 12, 29);
    return patch(out, 29, [(crc >>> 24) & 255, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255]);
  }

  it('PNG with width 0 → invalid_dimensions; height 2^31 → invalid_dimensions', () => {
    expect(mediaError(() => inspectImage(pngWithSize(0, 48))).code).toBe('invalid_dimensions');
    expect(mediaError(() => inspectImage(pngWithSize(64, 0x80000000))).code).toBe('invalid_dimensions');
    expect(inspectImage(pngWithSize(100_000, 3))).toEqual({ mime: 'image/png', width: 100_000, height: 3 }); // limits are validateMediaPart's job
  });

  it('PNG with a corrupted byte → malformed (CRC mismatch), naming the chunk', () => {
    const png = fixture('image-64x48.png');
    const e = mediaError(() => inspectImage(patch(png, 17, [png[17] ^ 0xff])));
    expect(e.code).toBe('malformed');
    expect(e.message).toMatch(/CRC mismatch in chunk IHDR/);
  });

  it('JPEG with SOF height 0 → invalid_dimensions', () => {
    const jpg = fixture('image-64x48.jpg');
    let sof = -1;
    for (let i = 2; i < jpg.length - 1; i++) if (jpg[i] === 0xff && jpg[i + 1] === 0xc0) sof = i;
    expect(sof).toBeGreaterThan(0);
    expect(mediaError(() => inspectImage(patch(jpg, sof + 5, [0, 0]))).code).toBe('invalid_dimensions');
  });

  it('GIF 0×0 → invalid_dimensions', () => {
    expect(mediaError(() => inspectImage(patch(fixture('image-64x48-3f.gif'), 6, [0, 0, 0, 0]))).code).toBe('invalid_dimensions');
  });

  it('not an image: unsupported_media, with the part label when given', () => {
    const e = mediaError(() => inspectImage(fixture('audio-1s-8k-mono.wav'), { part: 'messages[0].content[1]' }));
    expect(e).toMatchObject({ code: 'unsupported_media', part: 'messages[0].content[1]' });
    expect(e.message).toBe('messages[0].content[1]: audio/wav is not an image');
    expect(mediaError(() => inspectImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).message).toMatch(/image\/svg\+xml images are not accepted/);
  });
});
