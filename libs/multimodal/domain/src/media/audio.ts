/**
 * Audio headers: duration, sample rate and channels without decoding, and truncation checks.
 *
 * How `durationS` is obtained, per format (`durationEstimated` says when it is not exact):
 * - WAV: data chunk bytes ÷ byte rate (exact for PCM / float / A-law / µ-law; estimated for
 *   compressed WAV payloads and for streamed WAVs whose data size is unknown, 0xFFFFFFFF);
 * - MP3 and AAC (ADTS): every frame header is walked and the samples summed (exact); an MP3
 *   Xing/Info or VBRI header's byte count is cross-checked to detect truncation; a cut inside a
 *   frame is `truncated`; a cut exactly between frames of a file without such a header cannot be seen;
 * - FLAC: STREAMINFO total samples ÷ rate (exact); the last frame's CRC-16 and sample position are
 *   checked against STREAMINFO, so a cut anywhere is `truncated`;
 * - OGG (Vorbis, Opus, FLAC, Speex): the last granule position of the first logical stream
 *   (Opus: minus the pre-skip, at 48 kHz), exact; pages are CRC-checked and the end-of-stream page
 *   must be present;
 * - M4A / MP4 audio: mvhd duration (exact); WebM/Matroska audio: Segment Info duration (exact),
 *   else the last block's end time (estimated).
 */
import { ascii, hasAscii, i64le, need, oggCrc, u16be, u16le, u32be, u32le, u8 } from './bytes';
import { parseWebm } from './ebml';
import { guarded, MediaError } from './errors';
import type { InspectOptions } from './image';
import { parseMp4 } from './isobmff';
import { adtsFrameAt, confirmedFrames, id3Size, mpegFrameAt } from './mpeg';
import { sniff } from './sniff';

export interface AudioInfo {
  mime: string;
  durationS: number;
  sampleRate?: number;
  channels?: number;
  /** `pcm`, `mp3`, `aac`, `flac`, `vorbis`, `opus`, … (best effort) */
  codec?: string;
  /** true when `durationS` is an estimate, not read or counted exactly */
  durationEstimated: boolean;
}

/**
 * Reads an audio file's duration and format. Throws `MediaError`: `unsupported_media`,
 * `truncated`, `malformed`.
 */
export function inspectAudio(bytes: Uint8Array, opts: InspectOptions = {}): AudioInfo {
  return guarded('audio', opts.part, () => {
    const s = sniff(bytes);
    if (!s) throw new MediaError('unsupported_media', 'not a recognised audio format');
    // a video container is read for its audio track (or says why not: truncated, no audio track)
    if (s.kind !== 'audio' && !CONTAINERS.has(s.mime)) throw new MediaError('unsupported_media', `${s.mime} is not audio`);
    const info = readAudio(bytes, s.mime);
    if (!Number.isFinite(info.durationS) || info.durationS < 0) throw new MediaError('malformed', `${s.mime}: duration ${info.durationS}`);
    return info;
  });
}

const CONTAINERS = new Set(['video/mp4', 'video/quicktime', 'video/3gpp', 'video/3gpp2', 'video/webm', 'video/x-matroska']);

function readAudio(b: Uint8Array, mime: string): AudioInfo {
  switch (mime) {
    case 'audio/wav':
      return wav(b);
    case 'audio/mpeg':
      return mp3(b);
    case 'audio/aac':
      return adts(b);
    case 'audio/flac':
      return flac(b, mime);
    case 'audio/ogg':
      return ogg(b);
    case 'audio/mp4':
    case 'audio/3gpp':
    case 'audio/3gpp2':
    case 'video/mp4':
    case 'video/quicktime':
    case 'video/3gpp':
    case 'video/3gpp2':
      return mp4Audio(b, mime);
    case 'audio/webm':
    case 'audio/x-matroska':
    case 'video/webm':
    case 'video/x-matroska':
      return webmAudio(b, mime);
    default:
      throw new MediaError('unsupported_media', `${mime} audio is not supported`);
  }
}

// --- WAV ---------------------------------------------------------------------------------------

const WAV_CODECS: Record<number, string> = { 1: 'pcm', 3: 'pcm_float', 6: 'alaw', 7: 'mulaw', 0x55: 'mp3', 0x11: 'adpcm_ima', 2: 'adpcm_ms' };
const EXACT_WAV = new Set(['pcm', 'pcm_float', 'alaw', 'mulaw']);

function wav(b: Uint8Array): AudioInfo {
  const riffSize = u32le(b, 4, 'RIFF size');
  const unknownSize = riffSize === 0xffffffff || riffSize === 0;
  if (!unknownSize && riffSize + 8 > b.length) throw new MediaError('truncated', `WAV: RIFF declares ${riffSize + 8} bytes, have ${b.length}`);
  const end = unknownSize ? b.length : riffSize + 8;
  let o = 12;
  let fmt: { codec: string; channels: number; sampleRate: number; byteRate: number } | undefined;
  while (o < end) {
    need(b, o, 8, 'WAV chunk header');
    const id = ascii(b, o, 4);
    const size = u32le(b, o + 4);
    const body = o + 8;
    if (id === 'data') {
      if (!fmt) throw new MediaError('malformed', 'WAV: data chunk before the fmt chunk');
      let dataBytes = size;
      let estimated = !EXACT_WAV.has(fmt.codec);
      if (size === 0xffffffff || (size === 0 && end - body > 0)) {
        dataBytes = end - body; // streamed WAV: length unknown when the header was written
        estimated = true;
      } else if (body + size > end) {
        throw new MediaError('truncated', `WAV: data chunk declares ${size} bytes, ${end - body} remain`);
      }
      return {
        mime: 'audio/wav',
        durationS: dataBytes / fmt.byteRate,
        sampleRate: fmt.sampleRate,
        channels: fmt.channels,
        codec: fmt.codec,
        durationEstimated: estimated,
      };
    }
    if (body + size > end) throw new MediaError('truncated', `WAV: chunk '${ascii(b, o, 4)}' at byte ${o} runs past the end`);
    if (id === 'fmt ') {
      if (size < 16) throw new MediaError('malformed', 'WAV: fmt chunk shorter than 16 bytes');
      let tag = u16le(b, body);
      if (tag === 0xfffe && size >= 40) tag = u16le(b, body + 24); // WAVE_FORMAT_EXTENSIBLE: sub-format GUID
      const channels = u16le(b, body + 2);
      const sampleRate = u32le(b, body + 4);
      const byteRate = u32le(b, body + 8);
      if (channels === 0 || sampleRate === 0 || byteRate === 0) {
        throw new MediaError('malformed', `WAV: fmt says ${channels} channels, ${sampleRate} Hz, ${byteRate} bytes/s`);
      }
      fmt = { codec: WAV_CODECS[tag] ?? `wav_0x${tag.toString(16)}`, channels, sampleRate, byteRate };
    }
    o = body + size + (size & 1);
  }
  throw new MediaError(fmt ? 'truncated' : 'malformed', fmt ? 'WAV: no data chunk before the end' : 'WAV: no fmt chunk');
}

// --- MP3 / ADTS --------------------------------------------------------------------------------

const RESYNC_WINDOW = 8192;

function firstFrame<F extends { length: number }>(b: Uint8Array, from: number, at: (b: Uint8Array, o: number) => F | undefined, name: string): [number, F] {
  const cut = (): MediaError => new MediaError('truncated', `${name}: the data ends before the first complete frame`);
  const last = Math.min(b.length, from + 65536);
  let sawData = false;
  for (let o = from; o < last; o++) {
    if (b[o] !== 0) sawData = true;
    if (b[o] !== 0xff) continue;
    const f = at(b, o);
    if (f && confirmedFrames(b, o, at)) return [o, f];
    if ((f && o + f.length + 4 > b.length) || (!f && b.length - o < 7)) throw cut();
  }
  if (!sawData && last === b.length) throw cut(); // only tag padding so far
  throw new MediaError('malformed', `${name}: no frame header found`);
}

function endTag(b: Uint8Array, o: number): boolean {
  return hasAscii(b, o, 'TAG') || hasAscii(b, o, 'APETAGEX') || hasAscii(b, o, 'LYRICS') || id3Size(b, o) > 0;
}

function mp3(b: Uint8Array): AudioInfo {
  let start = 0;
  for (let tag = id3Size(b, 0); tag > 0; tag = id3Size(b, start)) start += tag;
  if (start >= b.length) throw new MediaError('truncated', 'MP3: the data ends inside (or right after) the ID3 tag');
  const [firstAt, first] = firstFrame(b, start, mpegFrameAt, 'MP3');
  let o = firstAt;
  // Xing/Info (after the side info) or VBRI (at 32 bytes) in the first frame: a metadata frame, not audio
  const side = first.version === 1 ? (first.channels === 1 ? 17 : 32) : first.channels === 1 ? 9 : 17;
  let tagBytes: number | undefined;
  let isTagFrame = false;
  if (hasAscii(b, o + 4 + side, 'Xing') || hasAscii(b, o + 4 + side, 'Info')) {
    isTagFrame = true;
    const flags = u32be(b, o + 8 + side, 'Xing flags');
    let p = o + 12 + side;
    if (flags & 1) p += 4;
    if (flags & 2) tagBytes = u32be(b, p, 'Xing byte count');
  } else if (hasAscii(b, o + 36, 'VBRI')) {
    isTagFrame = true;
    tagBytes = u32be(b, o + 46, 'VBRI byte count');
  }
  if (tagBytes !== undefined && tagBytes > 0 && o + tagBytes > b.length) {
    throw new MediaError('truncated', `MP3: the Xing/VBRI header promises ${tagBytes} bytes of audio, ${b.length - o} are present`);
  }
  const streamStart = o;
  let samples = 0;
  let frames = 0;
  while (o < b.length) {
    const f = mpegFrameAt(b, o);
    if (!f) {
      if (endTag(b, o)) break;
      if (b.length - o < 4 && b[o] === 0xff) throw new MediaError('truncated', 'MP3: the data ends inside a frame header');
      let next = -1;
      for (let q = o + 1; q < Math.min(b.length, o + RESYNC_WINDOW); q++) {
        if (b[q] === 0xff && confirmedFrames(b, q, mpegFrameAt)) {
          next = q;
          break;
        }
      }
      if (next < 0) break; // trailing junk
      o = next;
      continue;
    }
    if (o + f.length > b.length) throw new MediaError('truncated', `MP3: the last frame (at byte ${o}) is cut short`);
    if (!(isTagFrame && o === streamStart)) {
      frames++;
      samples += f.samples;
    }
    o += f.length;
  }
  if (frames === 0) throw new MediaError('truncated', 'MP3: no audio frames');
  return {
    mime: 'audio/mpeg',
    durationS: samples / first.sampleRate,
    sampleRate: first.sampleRate,
    channels: first.channels,
    codec: first.layer === 3 ? 'mp3' : first.layer === 2 ? 'mp2' : 'mp1',
    durationEstimated: false,
  };
}

function adts(b: Uint8Array): AudioInfo {
  let start = 0;
  for (let tag = id3Size(b, 0); tag > 0; tag = id3Size(b, start)) start += tag;
  const [firstAt, first] = firstFrame(b, start, adtsFrameAt, 'AAC');
  let o = firstAt;
  let samples = 0;
  while (o < b.length) {
    const f = adtsFrameAt(b, o);
    if (!f) {
      if (endTag(b, o)) break;
      if (b.length - o < 7 && b[o] === 0xff) throw new MediaError('truncated', 'AAC: the data ends inside a frame header');
      throw new MediaError('malformed', `AAC: lost ADTS frame sync at byte ${o}`);
    }
    if (o + f.length > b.length) throw new MediaError('truncated', `AAC: the last frame (at byte ${o}) is cut short`);
    samples += f.samples;
    o += f.length;
  }
  return { mime: 'audio/aac', durationS: samples / first.sampleRate, sampleRate: first.sampleRate, channels: first.channels, codec: 'aac', durationEstimated: false };
}

// --- FLAC --------------------------------------------------------------------------------------

interface StreamInfo {
  minBlock: number;
  maxBlock: number;
  sampleRate: number;
  channels: number;
  totalSamples: number;
}

function streamInfo(b: Uint8Array, o: number): StreamInfo {
  need(b, o, 34, 'FLAC STREAMINFO');
  const sampleRate = (b[o + 10] << 12) | (b[o + 11] << 4) | (b[o + 12] >> 4);
  const channels = ((b[o + 12] >> 1) & 7) + 1;
  const totalSamples = (b[o + 13] & 0x0f) * 0x100000000 + u32be(b, o + 14);
  if (sampleRate === 0) throw new MediaError('malformed', 'FLAC: STREAMINFO sample rate 0');
  return { minBlock: u16be(b, o), maxBlock: u16be(b, o + 2), sampleRate, channels, totalSamples };
}

function flac(b: Uint8Array, mime: string): AudioInfo {
  let o = 0;
  for (let tag = id3Size(b, 0); tag > 0; tag = id3Size(b, o)) o += tag;
  if (!hasAscii(b, o, 'fLaC')) throw new MediaError('malformed', 'FLAC: signature');
  o += 4;
  let si: StreamInfo | undefined;
  for (let first = true; ; first = false) {
    const h = u8(b, o, 'FLAC metadata block header');
    const type = h & 0x7f;
    const len = (u8(b, o + 1, 'FLAC metadata') << 16) | (u8(b, o + 2, 'FLAC metadata') << 8) | u8(b, o + 3, 'FLAC metadata');
    if (first && (type !== 0 || len < 34)) throw new MediaError('malformed', 'FLAC: the first metadata block is not STREAMINFO');
    if (type === 127) throw new MediaError('malformed', 'FLAC: invalid metadata block type 127');
    need(b, o + 4, len, 'FLAC metadata block');
    if (type === 0) si = streamInfo(b, o + 4);
    o += 4 + len;
    if (h & 0x80) break;
  }
  if (!si) throw new MediaError('malformed', 'FLAC: no STREAMINFO');
  if (o + 2 > b.length) throw new MediaError('truncated', 'FLAC: no audio frames after the metadata');
  if (!(b[o] === 0xff && (b[o + 1] & 0xfe) === 0xf8)) throw new MediaError('malformed', `FLAC: no frame sync at byte ${o}`);
  const lastEnd = lastFrameEnd(b, o, si);
  if (si.totalSamples > 0 && lastEnd !== undefined && lastEnd < si.totalSamples) {
    throw new MediaError('truncated', `FLAC: frames end at sample ${lastEnd}, STREAMINFO says ${si.totalSamples}`);
  }
  const total = si.totalSamples > 0 ? si.totalSamples : lastEnd ?? 0;
  return {
    mime,
    durationS: total / si.sampleRate,
    sampleRate: si.sampleRate,
    channels: si.channels,
    codec: 'flac',
    durationEstimated: si.totalSamples === 0,
  };
}

const crc8Table = (() => {
  const t = new Uint8Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    t[n] = c;
  }
  return t;
})();
const crc16Table = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
    t[n] = c;
  }
  return t;
})();

/** Parses a FLAC frame header at `o` whose CRC-8 matches; returns its first sample and block size. */
function flacFrameHeader(b: Uint8Array, o: number, si: StreamInfo): { firstSample: number; blockSize: number } | undefined {
  if (o + 6 > b.length || b[o] !== 0xff || (b[o + 1] & 0xfe) !== 0xf8) return undefined;
  const variable = b[o + 1] & 1;
  const bsCode = b[o + 2] >> 4;
  const srCode = b[o + 2] & 0x0f;
  if (bsCode === 0 || srCode === 15 || (b[o + 3] >> 4) > 10 || ((b[o + 3] >> 1) & 7) === 3 || ((b[o + 3] >> 1) & 7) === 7) return undefined;
  // the "UTF-8"-coded frame or sample number
  let p = o + 4;
  const c = b[p];
  let extra: number;
  let num: number;
  if (c < 0x80) [extra, num] = [0, c];
  else if ((c & 0xe0) === 0xc0) [extra, num] = [1, c & 0x1f];
  else if ((c & 0xf0) === 0xe0) [extra, num] = [2, c & 0x0f];
  else if ((c & 0xf8) === 0xf0) [extra, num] = [3, c & 0x07];
  else if ((c & 0xfc) === 0xf8) [extra, num] = [4, c & 0x03];
  else if ((c & 0xfe) === 0xfc) [extra, num] = [5, c & 0x01];
  else if (c === 0xfe) [extra, num] = [6, 0];
  else return undefined;
  if (p + 1 + extra > b.length) return undefined;
  for (let k = 1; k <= extra; k++) {
    if ((b[p + k] & 0xc0) !== 0x80) return undefined;
    num = num * 64 + (b[p + k] & 0x3f);
  }
  p += 1 + extra;
  let blockSize: number;
  if (bsCode === 1) blockSize = 192;
  else if (bsCode <= 5) blockSize = 576 << (bsCode - 2);
  else if (bsCode === 6) {
    if (p >= b.length) return undefined;
    blockSize = b[p++] + 1;
  } else if (bsCode === 7) {
    if (p + 1 >= b.length) return undefined;
    blockSize = ((b[p] << 8) | b[p + 1]) + 1;
    p += 2;
  } else blockSize = 256 << (bsCode - 8);
  if (srCode === 12) p += 1;
  else if (srCode === 13 || srCode === 14) p += 2;
  if (p >= b.length) return undefined;
  let crc = 0;
  for (let i = o; i < p; i++) crc = crc8Table[crc ^ b[i]];
  if (crc !== b[p]) return undefined;
  return { firstSample: variable ? num : num * si.maxBlock, blockSize };
}

/**
 * The sample position where the last complete frame ends. Scans back from the end for a frame
 * header (CRC-8) whose frame passes CRC-16 up to the last byte; none → `truncated`.
 */
function lastFrameEnd(b: Uint8Array, audioStart: number, si: StreamInfo): number | undefined {
  const window = Math.max(1 << 20, si.maxBlock * si.channels * 4 + 1024);
  const stop = Math.max(audioStart, b.length - window);
  const want = u16be(b, b.length - 2, 'FLAC frame CRC');
  for (let o = b.length - 8; o >= stop; o--) {
    if (b[o] !== 0xff) continue;
    const h = flacFrameHeader(b, o, si);
    if (!h) continue;
    let crc = 0;
    for (let i = o; i < b.length - 2; i++) crc = ((crc << 8) & 0xffff) ^ crc16Table[((crc >> 8) ^ b[i]) & 0xff];
    if (crc === want) return h.firstSample + h.blockSize;
  }
  if (stop > audioStart) return undefined; // the last frame is beyond the scan window: cannot tell
  throw new MediaError('truncated', 'FLAC: the last audio frame is cut short (no frame ends at the end of the data)');
}

// --- OGG ---------------------------------------------------------------------------------------

function ogg(b: Uint8Array): AudioInfo {
  let o = 0;
  let serial: number | undefined;
  let codec: { name: string; rate: number; channels: number; preSkip: number } | undefined;
  let lastGranule = -1;
  let eos = false;
  while (o < b.length) {
    if (!hasAscii(b, o, 'OggS')) {
      if (b.length - o < 4) throw new MediaError('truncated', 'OGG: the data ends inside a page header');
      throw new MediaError('malformed', `OGG: lost page sync at byte ${o}`);
    }
    need(b, o, 27, 'OGG page header');
    if (b[o + 4] !== 0) throw new MediaError('malformed', `OGG: page version ${b[o + 4]}`);
    const type = b[o + 5];
    const granule = i64le(b, o + 6);
    const pageSerial = u32le(b, o + 14);
    const nseg = b[o + 26];
    need(b, o + 27, nseg, 'OGG segment table');
    let bodyLen = 0;
    for (let i = 0; i < nseg; i++) bodyLen += b[o + 27 + i];
    const body = o + 27 + nseg;
    need(b, body, bodyLen, 'OGG page body');
    const end = body + bodyLen;
    if (oggCrc(b, o, end, o + 22) !== u32le(b, o + 22)) throw new MediaError('malformed', `OGG: CRC mismatch in the page at byte ${o}`);
    if (serial === undefined) {
      if (!(type & 0x02)) throw new MediaError('malformed', 'OGG: the first page does not begin a stream');
      serial = pageSerial;
      codec = oggCodec(b, body, bodyLen);
    }
    if (pageSerial === serial) {
      if (granule >= 0) lastGranule = granule;
      if (type & 0x04) eos = true;
    }
    o = end;
  }
  if (!codec || serial === undefined) throw new MediaError('truncated', 'OGG: no pages');
  if (!eos) throw new MediaError('truncated', 'OGG: the stream has no end-of-stream page (cut short)');
  const samples = Math.max(0, lastGranule - codec.preSkip);
  return { mime: 'audio/ogg', durationS: samples / codec.rate, sampleRate: codec.rate, channels: codec.channels, codec: codec.name, durationEstimated: false };
}

function oggCodec(b: Uint8Array, body: number, len: number): { name: string; rate: number; channels: number; preSkip: number } {
  const bad = (what: string): MediaError => new MediaError('malformed', `OGG: ${what} header too short or invalid`);
  if (b[body] === 1 && hasAscii(b, body + 1, 'vorbis')) {
    if (len < 16) throw bad('Vorbis');
    const rate = u32le(b, body + 12);
    if (rate === 0) throw bad('Vorbis');
    return { name: 'vorbis', rate, channels: b[body + 11], preSkip: 0 };
  }
  if (hasAscii(b, body, 'OpusHead')) {
    if (len < 19) throw bad('Opus');
    return { name: 'opus', rate: 48000, channels: b[body + 9], preSkip: u16le(b, body + 10) };
  }
  if (b[body] === 0x7f && hasAscii(b, body + 1, 'FLAC')) {
    if (len < 51 || !hasAscii(b, body + 9, 'fLaC')) throw bad('FLAC');
    const si = streamInfo(b, body + 17);
    return { name: 'flac', rate: si.sampleRate, channels: si.channels, preSkip: 0 };
  }
  if (hasAscii(b, body, 'Speex   ')) {
    if (len < 52) throw bad('Speex');
    const rate = u32le(b, body + 36);
    if (rate === 0) throw bad('Speex');
    return { name: 'speex', rate, channels: u32le(b, body + 48), preSkip: 0 };
  }
  throw new MediaError('unsupported_media', `OGG: codec ${JSON.stringify(ascii(b, body, 8).replace(/[^\x20-\x7e]/g, '?'))} is not supported`);
}

// --- MP4 / WebM audio --------------------------------------------------------------------------

function mp4Audio(b: Uint8Array, mime: string): AudioInfo {
  const info = parseMp4(b);
  const t = info.tracks.find((x) => x.handler === 'soun');
  if (!t) throw new MediaError('unsupported_media', `${mime}: no audio track`);
  const codec = t.codec === 'mp4a' ? 'aac' : t.codec;
  return {
    mime,
    durationS: info.durationS > 0 ? info.durationS : t.durationS,
    ...(t.sampleRate ? { sampleRate: t.sampleRate } : t.timescale ? { sampleRate: t.timescale } : {}),
    ...(t.channels ? { channels: t.channels } : {}),
    codec,
    durationEstimated: false,
  };
}

function webmAudio(b: Uint8Array, mime: string): AudioInfo {
  const info = parseWebm(b, { scanClusters: true });
  const t = info.tracks.find((x) => x.type === 2);
  if (!t) throw new MediaError('unsupported_media', `${mime}: no audio track`);
  return {
    mime,
    durationS: info.durationS ?? info.lastBlockS,
    ...(t.sampleRate ? { sampleRate: t.sampleRate } : {}),
    ...(t.channels ? { channels: t.channels } : {}),
    codec: t.codec.replace(/^A_/, '').toLowerCase(),
    durationEstimated: info.durationS === undefined,
  };
}
