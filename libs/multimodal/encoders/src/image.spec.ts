import sharp from 'sharp';
import { renderLine } from '@frontier/ml-vision/testing';
import { InvalidImageError, lumaEntropy, resizeForUpstream } from './image';

const opts = { part: 'messages[0].content[1]', maxSide: 336, jpegQuality: 85, maxPixels: 40_000_000 };

/** A photo-like image: smooth gradients plus noise (high grey-level entropy). */
async function photo(w: number, h: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  const px = Buffer.alloc(w * h * 3);
  let s = 7;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        s = (s * 1103515245 + 12345) >>> 0;
        px[(y * w + x) * 3 + c] = Math.min(255, Math.round((x / w) * 160 + (y / h) * 60 + (s >>> 27)));
      }
  const img = sharp(px, { raw: { width: w, height: h, channels: 3 } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 90 }).toBuffer();
}

describe('resizeForUpstream', () => {
  it('shrinks so the long edge is maxSide, keeping the aspect; photos become JPEG', async () => {
    const r = await resizeForUpstream(await photo(800, 400, 'png'), opts);
    expect([r.width, r.height, r.mime, r.passthrough]).toEqual([336, 168, 'image/jpeg', false]);
    const meta = await sharp(r.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 336, 168]);
  });

  it('never enlarges; a small upright JPEG passes through byte for byte', async () => {
    const jpg = await photo(200, 100, 'jpeg');
    const r = await resizeForUpstream(jpg, opts);
    expect([r.width, r.height, r.passthrough]).toEqual([200, 100, true]);
    expect(r.bytes.equals(jpg)).toBe(true);
  });

  it('text (a lossless image with few tones) stays PNG; so does an image with transparency', async () => {
    const text = await renderLine('Invoice #4521 due 2024-03-15', { font: 'DejaVu Sans', size: 30 });
    const r = await resizeForUpstream(text, { ...opts, maxSide: 300 });
    expect(r.mime).toBe('image/png');
    const { data, info } = await sharp(text).raw().toBuffer({ resolveWithObject: true });
    expect(lumaEntropy(data, info.channels)).toBeLessThan(5);
    const alpha = await sharp({ create: { width: 600, height: 300, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } }).webp().toBuffer();
    const a = await resizeForUpstream(alpha, opts);
    expect([a.mime, a.width, a.height]).toEqual(['image/png', 336, 168]);
    expect((await sharp(a.bytes).metadata()).hasAlpha).toBe(true);
  });

  it('applies EXIF orientation (a rotated JPEG is re-encoded upright)', async () => {
    const rotated = await sharp(await photo(300, 100, 'jpeg')).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const r = await resizeForUpstream(rotated, { ...opts, maxSide: null });
    expect([r.width, r.height, r.passthrough]).toEqual([100, 300, false]);
  });

  it('a truncated PNG, garbage and empty bytes are InvalidImageError naming the part', async () => {
    const png = await photo(300, 200, 'png');
    for (const bad of [png.subarray(0, Math.floor(png.length / 2)), Buffer.from('<html>no</html>'), Buffer.alloc(0)]) {
      const e = await resizeForUpstream(bad, opts).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InvalidImageError);
      expect((e as InvalidImageError).part).toBe('messages[0].content[1]');
    }
  });
});
