/**
 * Image headers: dimensions, frame counts and truncation, without decoding pixels.
 * PNG (chunk walk to IEND, CRC-checked), JPEG (segment walk, SOFn size, scan data to EOI), GIF
 * (blocks to the 0x3B trailer, frames counted), WebP (RIFF chunks; VP8 / VP8L / VP8X, ANMF frames
 * counted), BMP (header size vs file size).
 */
import { ascii, crc32, hasAscii, i32le, need, u16be, u16le, u24le, u32be, u32le, u8 } from './bytes';
import { guarded, MediaError } from './errors';
import { sniff } from './sniff';

export interface ImageInfo {
  mime: string;
  width: number;
  height: number;
  /** frames of an animated image (APNG, GIF, animated WebP); absent for still formats */
  frames?: number;
}

export interface InspectOptions {
  /** label for errors, e.g. `messages[0].content[1]` */
  part?: string;
}

/**
 * Reads an image's size from its headers and checks it is complete. Throws `MediaError`:
 * `unsupported_media` (not an image we read), `truncated`, `malformed`, `invalid_dimensions`.
 */
export function inspectImage(bytes: Uint8Array, opts: InspectOptions = {}): ImageInfo {
  return guarded('image', opts.part, () => {
    const s = sniff(bytes);
    if (!s) throw new MediaError('unsupported_media', 'not a recognised image format');
    if (s.kind !== 'image') throw new MediaError('unsupported_media', `${s.mime} is not an image`);
    const info = readImage(bytes, s.mime);
    if (!(info.width > 0 && info.height > 0)) {
      throw new MediaError('invalid_dimensions', `${s.mime} declares ${info.width}×${info.height} pixels`);
    }
    return info;
  });
}

function readImage(b: Uint8Array, mime: string): ImageInfo {
  switch (mime) {
    case 'image/png':
      return png(b);
    case 'image/jpeg':
      return jpeg(b);
    case 'image/gif':
      return gif(b);
    case 'image/webp':
      return webp(b);
    case 'image/bmp':
      return bmp(b);
    default:
      throw new MediaError('unsupported_media', `${mime} images are not accepted`);
  }
}

// --- PNG ---------------------------------------------------------------------------------------

function png(b: Uint8Array): ImageInfo {
  let o = 8;
  let width = 0;
  let height = 0;
  let frames: number | undefined;
  let first = true;
  let sawIdat = false;
  for (;;) {
    if (o >= b.length) throw new MediaError('truncated', `PNG: ends at byte ${o} before the IEND chunk`);
    const len = u32be(b, o, 'PNG chunk length');
    if (len > 0x7fffffff) throw new MediaError('malformed', `PNG: chunk length ${len} at byte ${o} exceeds 2^31-1`);
    need(b, o + 4, 4, 'PNG chunk type');
    const type = ascii(b, o + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new MediaError('malformed', `PNG: invalid chunk type at byte ${o + 4}`);
    if (o + 12 + len > b.length) {
      throw new MediaError('truncated', `PNG: chunk ${type} at byte ${o} needs ${len + 12} bytes, ${b.length - o} remain`);
    }
    const crc = u32be(b, o + 8 + len);
    if (crc32(b, o + 4, o + 8 + len) !== crc) throw new MediaError('malformed', `PNG: CRC mismatch in chunk ${type} at byte ${o}`);
    if (first) {
      if (type !== 'IHDR' || len !== 13) throw new MediaError('malformed', 'PNG: the first chunk is not a 13-byte IHDR');
      width = u32be(b, o + 8);
      height = u32be(b, o + 12);
      if (width > 0x7fffffff || height > 0x7fffffff) throw new MediaError('invalid_dimensions', `PNG: ${width}×${height} exceeds 2^31-1`);
      first = false;
    } else if (type === 'acTL' && len >= 8) {
      frames = u32be(b, o + 8);
    } else if (type === 'IDAT') {
      sawIdat = true;
    } else if (type === 'IEND') {
      if (!sawIdat) throw new MediaError('malformed', 'PNG: IEND before any IDAT');
      return frames !== undefined ? { mime: 'image/png', width, height, frames } : { mime: 'image/png', width, height };
    }
    o += 12 + len;
  }
}

// --- JPEG --------------------------------------------------------------------------------------

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpeg(b: Uint8Array): ImageInfo {
  let o = 2;
  let width = 0;
  let height = 0;
  let sawSof = false;
  let sawSos = false;
  for (;;) {
    if (o >= b.length) {
      throw new MediaError('truncated', `JPEG: ends at byte ${o} without the EOI marker${sawSos ? '' : ' (no scan data reached)'}`);
    }
    if (b[o] !== 0xff) throw new MediaError('malformed', `JPEG: expected a marker at byte ${o}, found 0x${b[o].toString(16)}`);
    while (o < b.length && b[o] === 0xff) o++; // fill bytes
    if (o >= b.length) throw new MediaError('truncated', 'JPEG: ends inside a marker');
    const m = b[o++];
    if (m === 0xd9) {
      if (!sawSof) throw new MediaError('malformed', 'JPEG: EOI before any frame header (SOFn)');
      if (!sawSos) throw new MediaError('malformed', 'JPEG: EOI before any scan (SOS)');
      return { mime: 'image/jpeg', width, height };
    }
    if (m === 0x00 || m === 0xd8) throw new MediaError('malformed', `JPEG: unexpected marker 0xFF${m.toString(16).toUpperCase()} at byte ${o - 1}`);
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) continue; // standalone markers
    const len = u16be(b, o, 'JPEG segment length');
    if (len < 2) throw new MediaError('malformed', `JPEG: segment length ${len} at byte ${o}`);
    need(b, o, len, `JPEG segment 0xFF${m.toString(16).toUpperCase()}`);
    if (isSof(m)) {
      if (len < 8) throw new MediaError('malformed', 'JPEG: SOF segment too short');
      height = u16be(b, o + 3);
      width = u16be(b, o + 5);
      sawSof = true;
    }
    o += len;
    if (m === 0xda) {
      if (!sawSof) throw new MediaError('malformed', 'JPEG: scan (SOS) before the frame header (SOFn)');
      sawSos = true;
      // entropy-coded data: skip to the next marker that is neither a stuffed 0xFF00 nor RSTn
      for (;;) {
        const ff = b.indexOf(0xff, o);
        if (ff < 0 || ff + 1 >= b.length) throw new MediaError('truncated', 'JPEG: scan data runs to the end without the EOI marker');
        const next = b[ff + 1];
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
          o = next === 0xff ? ff + 1 : ff + 2;
          continue;
        }
        o = ff;
        break;
      }
    }
  }
}

// --- GIF ---------------------------------------------------------------------------------------

function gif(b: Uint8Array): ImageInfo {
  const width = u16le(b, 6, 'GIF screen descriptor');
  const height = u16le(b, 8, 'GIF screen descriptor');
  const packed = u8(b, 10, 'GIF screen descriptor');
  need(b, 0, 13, 'GIF screen descriptor');
  let o = 13;
  if (packed & 0x80) o += 3 * (1 << ((packed & 7) + 1));
  let frames = 0;
  const subBlocks = (): void => {
    for (;;) {
      const n = u8(b, o, 'GIF data sub-block');
      o += 1 + n;
      if (n === 0) return;
      need(b, o - n, n, 'GIF data sub-block');
    }
  };
  for (;;) {
    if (o >= b.length) throw new MediaError('truncated', `GIF: ends at byte ${o} without the trailer (0x3B)`);
    const intro = b[o];
    if (intro === 0x3b) {
      if (frames === 0) throw new MediaError('malformed', 'GIF: trailer before any image');
      return { mime: 'image/gif', width, height, frames };
    }
    if (intro === 0x2c) {
      need(b, o, 10, 'GIF image descriptor');
      const p = b[o + 9];
      o += 10;
      if (p & 0x80) o += 3 * (1 << ((p & 7) + 1));
      const lzw = u8(b, o, 'GIF LZW code size');
      if (lzw < 1 || lzw > 11) throw new MediaError('malformed', `GIF: LZW minimum code size ${lzw}`);
      o++;
      subBlocks();
      frames++;
    } else if (intro === 0x21) {
      need(b, o, 2, 'GIF extension');
      o += 2;
      subBlocks();
    } else {
      throw new MediaError('malformed', `GIF: unknown block 0x${intro.toString(16)} at byte ${o}`);
    }
  }
}

// --- WebP --------------------------------------------------------------------------------------

function webp(b: Uint8Array): ImageInfo {
  const riffSize = u32le(b, 4, 'RIFF size');
  if (riffSize + 8 > b.length) throw new MediaError('truncated', `WebP: RIFF declares ${riffSize + 8} bytes, have ${b.length}`);
  const end = riffSize + 8;
  let o = 12;
  let width = 0;
  let height = 0;
  let frames = 0;
  let animated = false;
  let sawImage = false;
  let first = true;
  while (o < end) {
    need(b, o, 8, 'WebP chunk header');
    const type = ascii(b, o, 4);
    const len = u32le(b, o + 4);
    const body = o + 8;
    if (body + len > end) throw new MediaError('truncated', `WebP: chunk '${type}' at byte ${o} runs past the end`);
    if (type === 'VP8X' && first) {
      need(b, body, 10, 'VP8X');
      animated = (b[body] & 0x02) !== 0;
      width = u24le(b, body + 4) + 1;
      height = u24le(b, body + 7) + 1;
    } else if (type === 'VP8 ' || type === 'VP8L') {
      const [w, h] = type === 'VP8 ' ? vp8Size(b, body, len) : vp8lSize(b, body, len);
      if (first) {
        width = w;
        height = h;
      }
      sawImage = true;
    } else if (type === 'ANMF') {
      if (len < 16) throw new MediaError('malformed', 'WebP: ANMF chunk too short');
      frames++;
      sawImage = true;
    }
    first = false;
    o = body + len + (len & 1);
  }
  if (!sawImage) throw new MediaError('truncated', 'WebP: no image data (VP8/VP8L/ANMF chunk)');
  return animated ? { mime: 'image/webp', width, height, frames } : { mime: 'image/webp', width, height };
}

function vp8Size(b: Uint8Array, o: number, len: number): [number, number] {
  if (len < 10) throw new MediaError('malformed', 'WebP: VP8 chunk too short');
  if (b[o] & 1) throw new MediaError('malformed', 'WebP: VP8 data does not start with a key frame');
  if (!(b[o + 3] === 0x9d && b[o + 4] === 0x01 && b[o + 5] === 0x2a)) throw new MediaError('malformed', 'WebP: VP8 start code missing');
  return [u16le(b, o + 6) & 0x3fff, u16le(b, o + 8) & 0x3fff];
}

function vp8lSize(b: Uint8Array, o: number, len: number): [number, number] {
  if (len < 5) throw new MediaError('malformed', 'WebP: VP8L chunk too short');
  if (b[o] !== 0x2f) throw new MediaError('malformed', 'WebP: VP8L signature missing');
  const bits = u32le(b, o + 1);
  return [(bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1];
}

// --- BMP ---------------------------------------------------------------------------------------

function bmp(b: Uint8Array): ImageInfo {
  const fileSize = u32le(b, 2, 'BMP header');
  const dataOffset = u32le(b, 10, 'BMP header');
  const dib = u32le(b, 14, 'BMP info header');
  let width: number;
  let height: number;
  if (dib === 12) {
    width = u16le(b, 18, 'BMP core header');
    height = u16le(b, 20, 'BMP core header');
  } else if (dib >= 40 && dib <= 124) {
    width = i32le(b, 18, 'BMP info header');
    height = Math.abs(i32le(b, 22, 'BMP info header')); // negative: top-down rows
  } else {
    throw new MediaError('malformed', `BMP: unknown info header size ${dib}`);
  }
  if (!hasAscii(b, 0, 'BM')) throw new MediaError('malformed', 'BMP: signature');
  if (fileSize > b.length) throw new MediaError('truncated', `BMP: header declares ${fileSize} bytes, have ${b.length}`);
  if (dataOffset < 14 + dib) throw new MediaError('malformed', `BMP: pixel data offset ${dataOffset} overlaps the headers`);
  if (dataOffset >= b.length) throw new MediaError('truncated', `BMP: pixel data offset ${dataOffset} is past the end`);
  if (dib >= 40 && u32le(b, 30) === 0 /* BI_RGB: uncompressed, size known */) {
    const bpp = u16le(b, 28);
    const rows = ((bpp * width + 31) >>> 5) * 4 * height;
    if (width > 0 && dataOffset + rows > b.length) {
      throw new MediaError('truncated', `BMP: ${width}×${height}×${bpp}-bit pixels need ${rows} bytes from ${dataOffset}, have ${b.length - dataOffset}`);
    }
  }
  return { mime: 'image/bmp', width, height };
}
