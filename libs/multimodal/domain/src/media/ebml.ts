/**
 * EBML (WebM / Matroska) walking: doc type, Segment Info duration, Tracks (type, codec, pixel
 * size, sampling rate, channels, default frame duration) and — when asked — the Clusters' blocks
 * per track with their keyframe flags.
 */
import { ascii, floatBe, need, u8 } from './bytes';
import { MediaError } from './errors';

const ID = {
  EBML: 0x1a45dfa3,
  DocType: 0x4282,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  CodecID: 0x86,
  DefaultDuration: 0x23e383,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Audio: 0xe1,
  SamplingFrequency: 0xb5,
  Channels: 0x9f,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  ReferenceBlock: 0xfb,
  BlockDuration: 0x9b,
} as const;

/** Level-1 elements: an unknown-size Cluster ends where one of these starts. */
const LEVEL1 = new Set([0x114d9b74, ID.Info, ID.Tracks, ID.Cluster, 0x1c53bb6b, 0x1043a770, 0x1254c367, 0x1941a469]);

interface El {
  id: number;
  /** payload start */
  body: number;
  /** payload end; for unknown-size elements, the end of the enclosing range */
  end: number;
  unknownSize: boolean;
}

function readId(b: Uint8Array, o: number): [number, number] {
  const first = u8(b, o, 'EBML element id');
  let len = 1;
  while (len <= 4 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > 4) throw new MediaError('malformed', `EBML: invalid element id byte 0x${first.toString(16)} at ${o}`);
  need(b, o, len, 'EBML element id');
  let id = 0;
  for (let i = 0; i < len; i++) id = id * 256 + b[o + i];
  return [id, len];
}

/** A variable-size integer with the length marker removed; `undefined` for the reserved "unknown" value (all ones). */
export function readVint(b: Uint8Array, o: number, what: string): [number | undefined, number] {
  const first = u8(b, o, what);
  let len = 1;
  while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > 8) throw new MediaError('malformed', `EBML: invalid ${what} at ${o}`);
  need(b, o, len, what);
  let v = first & (0xff >> len);
  let allOnes = v === 0xff >> len;
  for (let i = 1; i < len; i++) {
    v = v * 256 + b[o + i];
    if (b[o + i] !== 0xff) allOnes = false;
  }
  return [allOnes ? undefined : v, len];
}

function readEl(b: Uint8Array, o: number, limit: number, lenient = false): El {
  const [id, idLen] = readId(b, o);
  const [size, sizeLen] = readVint(b, o + idLen, 'EBML element size');
  const body = o + idLen + sizeLen;
  if (size === undefined) return { id, body, end: limit, unknownSize: true };
  if (body + size > b.length && lenient) return { id, body, end: Math.min(limit, b.length), unknownSize: false };
  if (body + size > b.length) {
    throw new MediaError('truncated', `EBML: element 0x${id.toString(16)} at byte ${o} declares ${size} bytes but only ${b.length - body} remain`);
  }
  if (body + size > limit) throw new MediaError('malformed', `EBML: element 0x${id.toString(16)} at byte ${o} overruns its parent`);
  return { id, body, end: body + size, unknownSize: false };
}

function uint(b: Uint8Array, e: El): number {
  if (e.end - e.body > 8) throw new MediaError('malformed', 'EBML: unsigned integer longer than 8 bytes');
  let v = 0;
  for (let i = e.body; i < e.end; i++) v = v * 256 + b[i];
  return v;
}
const float = (b: Uint8Array, e: El): number => floatBe(b, e.body, e.end - e.body, 'EBML float');

/** Iterates the children of [start, end); `stopAtLevel1` ends an unknown-size range at the next level-1 id. */
function* elements(b: Uint8Array, start: number, end: number, stopAtLevel1 = false, lenient = false): Generator<El> {
  let o = start;
  while (o < end) {
    if (stopAtLevel1 && LEVEL1.has(readId(b, o)[0])) return;
    const e = readEl(b, o, end, lenient);
    yield e;
    o = e.unknownSize ? unknownEnd(b, e.body, end) : e.end;
  }
}

/** Where an unknown-size element ends: at the next level-1 id, or at the end of its range. */
function unknownEnd(b: Uint8Array, start: number, end: number): number {
  let o = start;
  while (o < end) {
    if (LEVEL1.has(readId(b, o)[0])) return o;
    const e = readEl(b, o, end);
    if (e.unknownSize) return end;
    o = e.end;
  }
  return end;
}

export interface WebmTrack {
  number: number;
  /** 1 video, 2 audio, 17 subtitle, … */
  type: number;
  codec: string;
  defaultDurationNs?: number;
  width?: number;
  height?: number;
  sampleRate?: number;
  channels?: number;
}

export interface WebmInfo {
  docType: string;
  /** from Segment Info; undefined when the file does not say (live recordings) */
  durationS?: number;
  /** last block's time + its duration when known, in seconds (the fallback for durationS) */
  lastBlockS: number;
  tracks: WebmTrack[];
  /** per track number: frames and keyframes seen in the Clusters (only with scanClusters) */
  blocks: Map<number, { frames: number; keyframes: number }>;
  /** true when the Segment has an unknown size (a stream): truncation cannot be detected at its end */
  unknownSize: boolean;
}

export function isEbml(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3;
}

/**
 * Walks the file. With `scanClusters: false` it stops after Tracks (cheap: used for sniffing).
 * Throws `truncated` when an element runs past the end — except, with `lenient` (sniffing), the
 * EBML header and the Segment, which are clamped to the end so the Tracks can still be read.
 */
export function parseWebm(b: Uint8Array, opts: { scanClusters: boolean; lenient?: boolean }): WebmInfo {
  const lenient = opts.lenient ?? false;
  const info: WebmInfo = { docType: '', lastBlockS: 0, tracks: [], blocks: new Map(), unknownSize: false };
  let timecodeScale = 1_000_000;
  let rawDuration: number | undefined;
  let sawSegment = false;
  let sawTracks = false;
  for (const top of elements(b, 0, b.length, false, lenient)) {
    if (top.id === ID.EBML) {
      for (const e of elements(b, top.body, top.end)) if (e.id === ID.DocType) info.docType = ascii(b, e.body, e.end - e.body).replace(/\0+$/, '');
      continue;
    }
    if (top.id !== ID.Segment) continue;
    sawSegment = true;
    info.unknownSize = top.unknownSize;
    for (const l1 of elements(b, top.body, top.end, false)) {
      if (l1.id === ID.Info) {
        for (const e of elements(b, l1.body, l1.end)) {
          if (e.id === ID.TimecodeScale) timecodeScale = uint(b, e);
          else if (e.id === ID.Duration) rawDuration = float(b, e);
        }
      } else if (l1.id === ID.Tracks) {
        sawTracks = true;
        for (const te of elements(b, l1.body, l1.end)) if (te.id === ID.TrackEntry) info.tracks.push(track(b, te));
        if (!opts.scanClusters) break;
      } else if (l1.id === ID.Cluster) {
        if (!opts.scanClusters) break;
        cluster(b, l1, info, timecodeScale);
      }
    }
    break;
  }
  if (!sawSegment) throw new MediaError('truncated', 'EBML: no Segment (the file is cut short or is not a WebM/Matroska file)');
  if (!sawTracks) throw new MediaError('truncated', 'EBML: no Tracks element before the end');
  if (rawDuration !== undefined) {
    if (!Number.isFinite(rawDuration) || rawDuration < 0) throw new MediaError('malformed', `EBML: Segment duration ${rawDuration}`);
    info.durationS = (rawDuration * timecodeScale) / 1e9;
  }
  return info;
}

function track(b: Uint8Array, te: El): WebmTrack {
  const t: WebmTrack = { number: 0, type: 0, codec: '' };
  for (const e of elements(b, te.body, te.end)) {
    if (e.id === ID.TrackNumber) t.number = uint(b, e);
    else if (e.id === ID.TrackType) t.type = uint(b, e);
    else if (e.id === ID.CodecID) t.codec = ascii(b, e.body, e.end - e.body).replace(/\0+$/, '');
    else if (e.id === ID.DefaultDuration) t.defaultDurationNs = uint(b, e);
    else if (e.id === ID.Video) {
      for (const v of elements(b, e.body, e.end)) {
        if (v.id === ID.PixelWidth) t.width = uint(b, v);
        else if (v.id === ID.PixelHeight) t.height = uint(b, v);
      }
    } else if (e.id === ID.Audio) {
      for (const a of elements(b, e.body, e.end)) {
        if (a.id === ID.SamplingFrequency) t.sampleRate = float(b, a);
        else if (a.id === ID.Channels) t.channels = uint(b, a);
      }
    }
  }
  return t;
}

function cluster(b: Uint8Array, cl: El, info: WebmInfo, timecodeScale: number): void {
  let clusterTime = 0;
  for (const e of elements(b, cl.body, cl.end, cl.unknownSize)) {
    if (e.id === ID.Timecode) clusterTime = uint(b, e);
    else if (e.id === ID.SimpleBlock) block(b, e, info, clusterTime, timecodeScale, undefined);
    else if (e.id === ID.BlockGroup) {
      let blk: El | undefined;
      let key = true;
      let durationTicks: number | undefined;
      for (const g of elements(b, e.body, e.end)) {
        if (g.id === ID.Block) blk = g;
        else if (g.id === ID.ReferenceBlock) key = false;
        else if (g.id === ID.BlockDuration) durationTicks = uint(b, g);
      }
      if (blk) block(b, blk, info, clusterTime, timecodeScale, { key, durationTicks });
    }
  }
}

function block(
  b: Uint8Array,
  e: El,
  info: WebmInfo,
  clusterTime: number,
  timecodeScale: number,
  group: { key: boolean; durationTicks?: number } | undefined,
): void {
  const [trackNo, len] = readVint(b, e.body, 'block track number');
  const h = e.body + len;
  need(b, h, 3, 'block header');
  if (h + 3 > e.end) throw new MediaError('malformed', 'EBML: block shorter than its header');
  const rel = ((b[h] << 8) | b[h + 1]) << 16 >> 16; // signed 16-bit
  const flags = b[h + 2];
  const key = group ? group.key : (flags & 0x80) !== 0;
  const lacing = (flags >> 1) & 3;
  const frames = lacing === 0 ? 1 : u8(b, h + 3, 'lace count') + 1;
  if (trackNo === undefined) return;
  const s = info.blocks.get(trackNo) ?? { frames: 0, keyframes: 0 };
  s.frames += frames;
  if (key) s.keyframes++;
  info.blocks.set(trackNo, s);
  const t = info.tracks.find((x) => x.number === trackNo);
  const endTicks =
    clusterTime + rel + (group?.durationTicks ?? (t?.defaultDurationNs ? (t.defaultDurationNs * frames) / timecodeScale : 0));
  const endS = (endTicks * timecodeScale) / 1e9;
  if (Number.isFinite(endS) && endS > info.lastBlockS) info.lastBlockS = endS;
}
