/** MPEG audio (MP1/2/3) and ADTS (AAC) frame headers. */

export interface MpegFrame {
  /** 1, 2 or 2.5 */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  bitrateKbps: number;
  sampleRate: number;
  channels: 1 | 2;
  /** total frame length in bytes, header included */
  length: number;
  samples: number;
}

const BITRATES: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const RATES: Record<string, readonly number[]> = { '1': [44100, 48000, 32000], '2': [22050, 24000, 16000], '2.5': [11025, 12000, 8000] };

/** Parses an MPEG audio frame header at `o`; undefined when there is none (or a free-format / reserved one). */
export function mpegFrameAt(b: Uint8Array, o: number): MpegFrame | undefined {
  if (o < 0 || o + 4 > b.length || b[o] !== 0xff || (b[o + 1] & 0xe0) !== 0xe0) return undefined;
  const vBits = (b[o + 1] >> 3) & 3;
  const lBits = (b[o + 1] >> 1) & 3;
  if (vBits === 1 || lBits === 0) return undefined;
  const version = vBits === 3 ? 1 : vBits === 2 ? 2 : 2.5;
  const layer = (4 - lBits) as 1 | 2 | 3;
  const brIdx = b[o + 2] >> 4;
  const srIdx = (b[o + 2] >> 2) & 3;
  if (brIdx === 0 || brIdx === 15 || srIdx === 3) return undefined;
  const bitrateKbps = BITRATES[`${version === 1 ? 1 : 2}-${layer}`][brIdx];
  const sampleRate = RATES[String(version)][srIdx];
  const pad = (b[o + 2] >> 1) & 1;
  const channels = b[o + 3] >> 6 === 3 ? 1 : 2;
  let length: number;
  let samples: number;
  if (layer === 1) {
    length = (Math.floor((12 * bitrateKbps * 1000) / sampleRate) + pad) * 4;
    samples = 384;
  } else if (layer === 2 || version === 1) {
    length = Math.floor((144 * bitrateKbps * 1000) / sampleRate) + pad;
    samples = 1152;
  } else {
    length = Math.floor((72 * bitrateKbps * 1000) / sampleRate) + pad;
    samples = 576;
  }
  return { version, layer, bitrateKbps, sampleRate, channels, length, samples };
}

export interface AdtsFrame {
  sampleRate: number;
  channels: number;
  length: number;
  samples: number;
}

const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

export function adtsFrameAt(b: Uint8Array, o: number): AdtsFrame | undefined {
  if (o < 0 || o + 7 > b.length || b[o] !== 0xff || (b[o + 1] & 0xf6) !== 0xf0) return undefined;
  const srIdx = (b[o + 2] >> 2) & 0x0f;
  if (srIdx >= AAC_RATES.length) return undefined;
  const channels = ((b[o + 2] & 1) << 2) | (b[o + 3] >> 6);
  const length = ((b[o + 3] & 3) << 11) | (b[o + 4] << 3) | (b[o + 5] >> 5);
  const headerLen = b[o + 1] & 1 ? 7 : 9;
  if (length < headerLen) return undefined;
  return { sampleRate: AAC_RATES[srIdx], channels, length, samples: 1024 * ((b[o + 6] & 3) + 1) };
}

/** True when a frame at `o` is followed by another valid frame, or ends exactly at the end of the data. */
export function confirmedFrames(b: Uint8Array, o: number, at: (b: Uint8Array, o: number) => { length: number } | undefined): boolean {
  const f = at(b, o);
  if (!f) return false;
  const next = o + f.length;
  if (next === b.length) return true;
  return at(b, next) !== undefined;
}

/** Size of an ID3v2 tag at `o` (header + body + footer), or 0. */
export function id3Size(b: Uint8Array, o: number): number {
  if (o + 10 > b.length || b[o] !== 0x49 || b[o + 1] !== 0x44 || b[o + 2] !== 0x33) return 0;
  if (b[o + 3] === 0xff || b[o + 4] === 0xff) return 0;
  for (let i = 6; i < 10; i++) if (b[o + i] & 0x80) return 0;
  const size = (b[o + 6] << 21) | (b[o + 7] << 14) | (b[o + 8] << 7) | b[o + 9];
  return 10 + size + (b[o + 5] & 0x10 ? 10 : 0);
}
