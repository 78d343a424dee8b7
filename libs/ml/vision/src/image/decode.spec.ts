import sharp from 'sharp';
import { MlInputError } from '@frontier/ml-ports';
import { decodeImage, decodeResized } from './decode';

const rgba = () =>
  sharp({ create: { width: 40, height: 30, channels: 4, background: { r: 200, g: 10, b: 30, alpha: 1 } } });

async function errorOf(p: Promise<unknown>): Promise<MlInputError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MlInputError);
  return e as MlInputError;
}

describe('decodeImage (sharp)', () => {
  it.each(['png', 'jpeg', 'webp', 'gif'] as const)('decodes %s to raw RGB', async (fmt) => {
    const bytes = await rgba().toFormat(fmt).toBuffer();
    const img = await decodeImage(bytes);
    expect([img.width, img.height, img.channels, img.data.length]).toEqual([40, 30, 3, 40 * 30 * 3]);
    expect(img.data[0]).toBeGreaterThan(150);
    expect(img.data[1]).toBeLessThan(60);
  });

  it('keeps alpha when asked for RGBA and flattens transparency onto white for RGB', async () => {
    const clear = await sharp({ create: { width: 4, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    expect((await decodeImage(clear, { channels: 4 })).data.slice(0, 4)).toEqual(new Uint8Array([0, 0, 0, 0]));
    expect((await decodeImage(clear)).data.slice(0, 3)).toEqual(new Uint8Array([255, 255, 255]));
  });

  it('resizes in the same pass', async () => {
    const img = await decodeResized(await rgba().png().toBuffer(), 224, 224);
    expect([img.width, img.height, img.data.length]).toEqual([224, 224, 224 * 224 * 3]);
  });

  it('rejects bad input with typed errors on field `image`', async () => {
    const png = await rgba().png().toBuffer();
    const cases: Array<[unknown, string]> = [
      [new Uint8Array(0), 'empty_input'],
      [Buffer.from('definitely not an image, just some text'), 'unsupported_format'],
      [png.subarray(0, Math.floor(png.length / 2)), 'corrupt_media'],
      [png.subarray(0, 30), 'corrupt_media'],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), 'unsupported_format'],
      ['a string', 'invalid_argument'],
    ];
    for (const [bytes, code] of cases) {
      const e = await errorOf(decodeImage(bytes as Uint8Array));
      expect([e.code, e.field]).toEqual([code, 'image']);
    }
  });

  it('enforces the pixel and byte limits', async () => {
    const png = await rgba().png().toBuffer();
    const px = await errorOf(decodeImage(png, { maxPixels: 1000 }));
    expect(px.code).toBe('input_too_large');
    expect(px.message).toContain('40×30');
    expect((await errorOf(decodeImage(png, { maxBytes: 10, field: 'avatar' }))).field).toBe('avatar');
  });
});
