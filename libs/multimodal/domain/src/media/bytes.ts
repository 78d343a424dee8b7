/** Bounds-checked byte reading. Any read past the end throws `MediaError('truncated')`. */
import { MediaError } from './errors';

export function need(b: Uint8Array, off: number, len: number, what: string): void {
  if (off < 0 || len < 0 || off + len > b.length) {
    throw new MediaError('truncated', `${what} runs past the end of the data (needs bytes ${off}..${off + len}, have ${b.length})`);
  }
}

export const u8 = (b: Uint8Array, o: number, what = 'field'): number => {
  need(b, o, 1, what);
  return b[o];
};
export const u16be = (b: Uint8Array, o: number, what = 'field'): number => {
  need(b, o, 2, what);
  return (b[o] << 8) | b[o + 1];
};
export const u16le = (b: Uint8Array, o: number, what = 'field'): number => {
  need(b, o, 2, what);
  return b[o] | (b[o + 1] << 8);
};
export const u24be = (b: Uint8Array, o: number, what = 'field'): number => {
  need(b, o, 3, what);
  return (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
};
export const u24le = (b: Uint8Array, o: number, what = 'field'): number => {
  need(b, o, 3, what);
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
};
export const u32be = (b: Uint8Array, o: number, what = 'field'): number => {
  need(b, o, 4, what);
  return b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
};
export const u32le = (b: Uint8Array, o: number, what = 'field'): number => {
  need(b, o, 4, what);
  return b[o + 3] * 0x1000000 + ((b[o + 2] << 16) | (b[o + 1] << 8) | b[o]);
};
export const i32le = (b: Uint8Array, o: number, what = 'field'): number => {
  need(b, o, 4, what);
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
};
/** Unsigned 64-bit big-endian as a Number (exact below 2^53; larger values are clamped to Infinity-ish magnitudes and callers treat them as out of bounds). */
export const u64be = (b: Uint8Array, o: number, what = 'field'): number => u32be(b, o, what) * 0x100000000 + u32be(b, o + 4, what);
export const u64le = (b: Uint8Array, o: number, what = 'field'): number => u32le(b, o + 4, what) * 0x100000000 + u32le(b, o, what);
/** Signed 64-bit little-endian (Ogg granule positions; -1 means "no position"). */
export const i64le = (b: Uint8Array, o: number, what = 'field'): number => {
  const hi = i32le(b, o + 4, what);
  return hi * 0x100000000 + u32le(b, o, what);
};

/** Latin-1 / ASCII view of `len` bytes (no bounds error: reads what there is). */
export function ascii(b: Uint8Array, off: number, len: number): string {
  let s = '';
  const end = Math.min(b.length, off + len);
  for (let i = Math.max(0, off); i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** True when `b` holds `sig` at `off` (false when too short). */
export function hasBytes(b: Uint8Array, off: number, sig: ArrayLike<number>): boolean {
  if (off < 0 || off + sig.length > b.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[off + i] !== sig[i]) return false;
  return true;
}

export function hasAscii(b: Uint8Array, off: number, s: string): boolean {
  if (off < 0 || off + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[off + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** First index of `s` (ASCII) in b[from, to), or -1. */
export function indexOfAscii(b: Uint8Array, s: string, from = 0, to = b.length): number {
  const first = s.charCodeAt(0);
  const last = Math.min(to, b.length) - s.length;
  for (let i = Math.max(0, from); i <= last; i++) {
    i = b.indexOf(first, i);
    if (i < 0 || i > last) return -1;
    if (hasAscii(b, i, s)) return i;
  }
  return -1;
}

export function lastIndexOfAscii(b: Uint8Array, s: string, from = 0): number {
  for (let i = b.length - s.length; i >= Math.max(0, from); i--) if (hasAscii(b, i, s)) return i;
  return -1;
}

let crc32Table: Uint32Array | undefined;
/** CRC-32 (ISO-HDLC, reflected 0xEDB88320) as PNG uses it. */
export function crc32(b: Uint8Array, start: number, end: number): number {
  if (!crc32Table) {
    crc32Table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crc32Table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crc32Table[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

let oggTable: Uint32Array | undefined;
/** Ogg's CRC-32 (polynomial 0x04C11DB7, not reflected, init 0), with the page's CRC field counted as zero. */
export function oggCrc(b: Uint8Array, start: number, end: number, crcFieldAt: number): number {
  if (!oggTable) {
    oggTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let r = n << 24;
      for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
      oggTable[n] = r >>> 0;
    }
  }
  let c = 0;
  for (let i = start; i < end; i++) {
    const v = i >= crcFieldAt && i < crcFieldAt + 4 ? 0 : b[i];
    c = ((c << 8) ^ oggTable[((c >>> 24) ^ v) & 0xff]) >>> 0;
  }
  return c >>> 0;
}

/** IEEE-754 big-endian float of 4 or 8 bytes (EBML floats). */
export function floatBe(b: Uint8Array, o: number, len: number, what = 'float'): number {
  need(b, o, len, what);
  const dv = new DataView(b.buffer, b.byteOffset + o, len);
  if (len === 4) return dv.getFloat32(0, false);
  if (len === 8) return dv.getFloat64(0, false);
  if (len === 0) return 0;
  throw new MediaError('malformed', `${what}: a float must be 0, 4 or 8 bytes, not ${len}`);
}

/** Checks a "magnitude" field is a finite, non-negative number; otherwise malformed. */
export function finite(n: number, what: string): number {
  if (!Number.isFinite(n) || n < 0) throw new MediaError('malformed', `${what} is not a usable number (${n})`);
  return n;
}
