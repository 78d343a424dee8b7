/**
 * ISO base media file format (MP4, MOV, M4A, 3GP) box walking: just enough to read durations,
 * track sizes, sample (frame) counts and sync-sample (keyframe) counts, plus fragmented MP4.
 */
import { ascii, need, u16be, u32be, u64be, u8 } from './bytes';
import { MediaError } from './errors';

interface Box {
  type: string;
  /** offset of the box's first byte */
  start: number;
  /** offset of its payload */
  body: number;
  /** offset just past it */
  end: number;
}

/** Reads the boxes in [start, end); a box running past `end` is `truncated` at the top level, `malformed` inside a parent. */
function boxes(b: Uint8Array, start: number, end: number, topLevel: boolean, lenient = false): Box[] {
  const out: Box[] = [];
  let o = start;
  while (o < end) {
    if (end - o < 8) {
      if (topLevel && lenient) break;
      if (topLevel) throw new MediaError('truncated', `MP4: a box header at byte ${o} is cut short`);
      // some muxers leave up to 7 bytes of padding (e.g. a 4-byte zero terminator in udta)
      if (b.subarray(o, end).every((x) => x === 0)) break;
      throw new MediaError('malformed', `MP4: ${end - o} stray bytes at ${o}`);
    }
    let size = u32be(b, o, 'MP4 box size');
    const type = ascii(b, o + 4, 4);
    let header = 8;
    if (size === 1) {
      size = u64be(b, o + 8, 'MP4 64-bit box size');
      header = 16;
    } else if (size === 0) {
      size = end - o; // runs to the end of its container
    }
    if (size < header) throw new MediaError('malformed', `MP4: box '${printable(type)}' at byte ${o} has size ${size}`);
    if (o + size > end && topLevel && lenient) {
      out.push({ type, start: o, body: o + header, end });
      break;
    }
    if (o + size > end) {
      if (topLevel) {
        throw new MediaError('truncated', `MP4: box '${printable(type)}' at byte ${o} declares ${size} bytes but only ${end - o} remain`);
      }
      throw new MediaError('malformed', `MP4: box '${printable(type)}' at byte ${o} overruns its parent`);
    }
    out.push({ type, start: o, body: o + header, end: o + size });
    o += size;
  }
  return out;
}

const printable = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?');
const child = (b: Uint8Array, box: Box, type: string): Box | undefined => boxes(b, box.body, box.end, false).find((x) => x.type === type);
const children = (b: Uint8Array, box: Box, type: string): Box[] => boxes(b, box.body, box.end, false).filter((x) => x.type === type);

export interface Mp4Track {
  id: number;
  /** `vide`, `soun`, `text`, `hint`, … */
  handler: string;
  /** sample-entry type of the first stsd entry (`avc1`, `hvc1`, `mp4a`, …) */
  codec: string;
  timescale: number;
  /** media duration in seconds (mdhd; for fragmented files the sum of the fragments' sample durations) */
  durationS: number;
  /** tkhd presentation size (16.16 fixed point, rounded), else the sample entry's coded size */
  width: number;
  height: number;
  /** number of samples (video: frames) */
  samples: number;
  /** number of sync samples (keyframes); equal to `samples` when there is no stss box */
  syncSamples: number;
  channels?: number;
  sampleRate?: number;
}

export interface Mp4Info {
  majorBrand: string;
  compatibleBrands: string[];
  /** mvhd duration in seconds (or mehd / the longest track for fragmented files) */
  durationS: number;
  tracks: Mp4Track[];
  fragmented: boolean;
}

export function isFtyp(b: Uint8Array): boolean {
  return b.length >= 12 && ascii(b, 4, 4) === 'ftyp' && u32be(b, 0) >= 12;
}

const QT_FIRST = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);
/** A QuickTime file without ftyp starts straight with one of these boxes. */
export function looksLikeBareQuickTime(b: Uint8Array): boolean {
  if (b.length < 16 || !QT_FIRST.has(ascii(b, 4, 4))) return false;
  const size = u32be(b, 0);
  if (size !== 1 && size < 8) return false;
  // the next box (when inside the data) must look like a box too
  if (size === 1 || size >= b.length - 8) return true;
  return /^[a-z]{4}$/.test(ascii(b, size + 4, 4));
}

/**
 * Full parse. Throws `truncated` when the box structure is cut short, `malformed` when
 * inconsistent. `lenient` (for sniffing) reads what is there: a cut-short last top-level box is
 * clamped to the end, and sample data offsets are not checked.
 */
export function parseMp4(b: Uint8Array, opts: { lenient?: boolean } = {}): Mp4Info {
  const lenient = opts.lenient ?? false;
  const top = boxes(b, 0, b.length, true, lenient);
  const ftyp = top.find((x) => x.type === 'ftyp');
  let majorBrand = '';
  const compatibleBrands: string[] = [];
  if (ftyp) {
    majorBrand = ascii(b, ftyp.body, 4);
    for (let o = ftyp.body + 8; o + 4 <= ftyp.end; o += 4) compatibleBrands.push(ascii(b, o, 4));
  }
  const moov = top.find((x) => x.type === 'moov');
  if (!moov) throw new MediaError('truncated', 'MP4: no moov box (the file was cut short, or the recording was never finalised)');

  const mvhd = child(b, moov, 'mvhd');
  if (!mvhd) throw new MediaError('malformed', 'MP4: moov has no mvhd');
  const [mvTimescale, mvDuration] = timescaleAndDuration(b, mvhd, 'mvhd');

  const trex = new Map<number, { duration: number; flags: number }>();
  const mvex = child(b, moov, 'mvex');
  let fragmentDuration = 0;
  if (mvex) {
    for (const t of children(b, mvex, 'trex')) {
      need(b, t.body, 24, 'MP4 trex');
      trex.set(u32be(b, t.body + 4), { duration: u32be(b, t.body + 12), flags: u32be(b, t.body + 20) });
    }
    const mehd = child(b, mvex, 'mehd');
    if (mehd) fragmentDuration = u8(b, mehd.body) === 1 ? u64be(b, mehd.body + 4) : u32be(b, mehd.body + 4);
  }

  let maxChunkOffset = -1;
  const tracks: Mp4Track[] = [];
  for (const trak of children(b, moov, 'trak')) {
    const tkhd = child(b, trak, 'tkhd');
    const mdia = child(b, trak, 'mdia');
    if (!tkhd || !mdia) throw new MediaError('malformed', 'MP4: a trak lacks tkhd or mdia');
    const v = u8(b, tkhd.body, 'tkhd');
    const id = u32be(b, tkhd.body + (v === 1 ? 20 : 12), 'tkhd track id');
    const sizeAt = tkhd.body + (v === 1 ? 88 : 76);
    need(b, sizeAt, 8, 'tkhd width/height');
    if (sizeAt + 8 > tkhd.end) throw new MediaError('malformed', 'MP4: tkhd too short');
    let width = Math.round(u32be(b, sizeAt) / 65536);
    let height = Math.round(u32be(b, sizeAt + 4) / 65536);

    const mdhd = child(b, mdia, 'mdhd');
    const hdlr = child(b, mdia, 'hdlr');
    if (!mdhd || !hdlr) throw new MediaError('malformed', 'MP4: mdia lacks mdhd or hdlr');
    const [timescale, mdDuration] = timescaleAndDuration(b, mdhd, 'mdhd');
    const handler = ascii(b, hdlr.body + 8, 4);
    need(b, hdlr.body, 12, 'hdlr');

    let codec = '';
    let samples = 0;
    let syncSamples: number | undefined;
    let channels: number | undefined;
    let sampleRate: number | undefined;
    const minf = child(b, mdia, 'minf');
    const stbl = minf && child(b, minf, 'stbl');
    if (stbl) {
      const stsd = child(b, stbl, 'stsd');
      if (stsd && u32be(b, stsd.body + 4, 'stsd') > 0) {
        const entry = boxes(b, stsd.body + 8, stsd.end, false)[0];
        if (entry) {
          codec = printable(entry.type);
          if (handler === 'vide' && entry.end - entry.start >= 36 && (width === 0 || height === 0)) {
            width = u16be(b, entry.start + 32);
            height = u16be(b, entry.start + 34);
          }
          if (handler === 'soun' && entry.end - entry.start >= 36) {
            channels = u16be(b, entry.start + 24);
            sampleRate = u16be(b, entry.start + 32);
            // ISO MP4 writers put the template value 2 in channelcount: the AAC config says the truth
            const asc = aacConfig(b, entry);
            if (asc.channels) channels = asc.channels;
            if (asc.sampleRate) sampleRate = asc.sampleRate;
          }
        }
      }
      const stts = child(b, stbl, 'stts');
      if (stts) {
        const n = u32be(b, stts.body + 4, 'stts entry count');
        if (stts.body + 8 + n * 8 > stts.end) throw new MediaError('malformed', `MP4: stts declares ${n} entries, more than fit`);
        for (let i = 0; i < n; i++) samples += u32be(b, stts.body + 8 + i * 8);
      }
      const stss = child(b, stbl, 'stss');
      if (stss) syncSamples = u32be(b, stss.body + 4, 'stss entry count');
      for (const [type, width64] of [
        ['stco', false],
        ['co64', true],
      ] as const) {
        const box = child(b, stbl, type);
        if (!box) continue;
        const n = u32be(b, box.body + 4, `${type} entry count`);
        const step = width64 ? 8 : 4;
        if (box.body + 8 + n * step > box.end) throw new MediaError('malformed', `MP4: ${type} declares ${n} entries, more than fit`);
        for (let i = 0; i < n; i++) {
          const off = width64 ? u64be(b, box.body + 8 + i * 8) : u32be(b, box.body + 8 + i * 4);
          if (off > maxChunkOffset) maxChunkOffset = off;
        }
      }
    }
    tracks.push({
      id,
      handler,
      codec,
      timescale,
      durationS: timescale > 0 ? mdDuration / timescale : 0,
      width,
      height,
      samples,
      syncSamples: syncSamples ?? samples,
      ...(channels !== undefined ? { channels } : {}),
      ...(sampleRate !== undefined ? { sampleRate } : {}),
    });
  }
  if (maxChunkOffset >= b.length && !lenient) {
    throw new MediaError('truncated', `MP4: sample data is referenced at byte ${maxChunkOffset}, past the end (${b.length} bytes)`);
  }

  const moofs = top.filter((x) => x.type === 'moof');
  if (moofs.length > 0) addFragments(b, moofs, tracks, trex);
  if (moofs.length > 0 && fragmentDuration > 0 && mvTimescale > 0 && !lenient) {
    const longest = Math.max(0, ...tracks.map((t) => t.durationS));
    const promised = fragmentDuration / mvTimescale;
    if (longest + 0.1 < promised) {
      throw new MediaError('truncated', `MP4: fragments hold ${longest.toFixed(3)} s, mehd promises ${promised.toFixed(3)} s`);
    }
  }
  let durationS = mvTimescale > 0 ? mvDuration / mvTimescale : 0;
  if (durationS === 0 && fragmentDuration > 0 && mvTimescale > 0) durationS = fragmentDuration / mvTimescale;
  if (durationS === 0) durationS = Math.max(0, ...tracks.map((t) => t.durationS));
  return { majorBrand, compatibleBrands, durationS, tracks, fragmented: moofs.length > 0 };
}

function timescaleAndDuration(b: Uint8Array, box: Box, what: string): [number, number] {
  const v = u8(b, box.body, what);
  if (v === 1) return [u32be(b, box.body + 20, what), u64be(b, box.body + 24, what)];
  const d = u32be(b, box.body + 16, what);
  return [u32be(b, box.body + 12, what), d === 0xffffffff ? 0 : d];
}

const NON_SYNC = 0x00010000;

/** Adds fragmented-MP4 samples (moof/traf/trun) to the tracks' counts and durations. */
function addFragments(b: Uint8Array, moofs: Box[], tracks: Mp4Track[], trex: Map<number, { duration: number; flags: number }>): void {
  // only tracks whose moov lists no samples take their counts from the fragments
  const ticks = new Map<number, number>(tracks.filter((t) => t.samples === 0).map((t) => [t.id, 0]));
  for (const moof of moofs) {
    for (const traf of children(b, moof, 'traf')) {
      const tfhd = child(b, traf, 'tfhd');
      if (!tfhd) throw new MediaError('malformed', 'MP4: traf without tfhd');
      const tfFlags = u32be(b, tfhd.body, 'tfhd') & 0xffffff;
      const trackId = u32be(b, tfhd.body + 4, 'tfhd');
      let o = tfhd.body + 8;
      if (tfFlags & 0x01) o += 8;
      if (tfFlags & 0x02) o += 4;
      const defaults = trex.get(trackId) ?? { duration: 0, flags: 0 };
      let defDuration = defaults.duration;
      let defFlags = defaults.flags;
      if (tfFlags & 0x08) {
        defDuration = u32be(b, o, 'tfhd');
        o += 4;
      }
      if (tfFlags & 0x10) o += 4;
      if (tfFlags & 0x20) defFlags = u32be(b, o, 'tfhd');
      const track = tracks.find((t) => t.id === trackId);
      if (!track || !ticks.has(trackId)) continue;
      for (const trun of children(b, traf, 'trun')) {
        const flags = u32be(b, trun.body, 'trun') & 0xffffff;
        const count = u32be(b, trun.body + 4, 'trun');
        let p = trun.body + 8;
        if (flags & 0x001) p += 4;
        let first: number | undefined;
        if (flags & 0x004) {
          first = u32be(b, p, 'trun');
          p += 4;
        }
        const per = ((flags & 0x100 ? 1 : 0) + (flags & 0x200 ? 1 : 0) + (flags & 0x400 ? 1 : 0) + (flags & 0x800 ? 1 : 0)) * 4;
        if (p + count * per > trun.end) throw new MediaError('malformed', `MP4: trun declares ${count} samples, more than fit`);
        let dur = 0;
        for (let i = 0; i < count; i++) {
          let q = p + i * per;
          let d = defDuration;
          let f = defFlags;
          if (flags & 0x100) {
            d = u32be(b, q);
            q += 4;
          }
          if (flags & 0x200) q += 4;
          if (flags & 0x400) f = u32be(b, q);
          if (i === 0 && first !== undefined) f = first;
          dur += d;
          if (!(f & NON_SYNC)) track.syncSamples++;
        }
        track.samples += count;
        ticks.set(trackId, (ticks.get(trackId) ?? 0) + dur);
      }
    }
  }
  for (const [id, t] of ticks) {
    const track = tracks.find((x) => x.id === id);
    if (track && track.timescale > 0 && t > 0) track.durationS = Math.max(track.durationS, t / track.timescale);
  }
}

const AAC_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/**
 * Channels and sample rate from an mp4a entry's esds AudioSpecificConfig; `{}` when absent or
 * unreadable (optional metadata: the entry's own fields are used then).
 */
function aacConfig(b: Uint8Array, entry: Box): { channels?: number; sampleRate?: number } {
  const version = u16be(b, entry.start + 16);
  const first = entry.start + 36 + (version === 1 ? 16 : version === 2 ? 36 : 0);
  if (first >= entry.end) return {};
  let esds: Box | undefined;
  try {
    esds = boxes(b, first, entry.end, false).find((x) => x.type === 'esds');
  } catch {
    return {};
  }
  if (!esds) return {};
  const end = esds.end;
  let o = esds.body + 4;
  // descriptor header: tag, then a size of 1–4 bytes of 7 bits each
  const descriptor = (): { tag: number; body: number; end: number } | undefined => {
    if (o >= end) return undefined;
    const tag = b[o++];
    let size = 0;
    for (let i = 0; i < 4 && o < end; i++) {
      const c = b[o++];
      size = (size << 7) | (c & 0x7f);
      if (!(c & 0x80)) break;
    }
    const body = o;
    return body + size <= end ? { tag, body, end: body + size } : undefined;
  };
  const es = descriptor();
  if (!es || es.tag !== 3 || es.body + 3 > es.end) return {};
  const flags = b[es.body + 2];
  o = es.body + 3 + (flags & 0x80 ? 2 : 0) + (flags & 0x20 ? 2 : 0);
  if (flags & 0x40) o += 1 + (o < end ? b[o] : 0);
  const dc = descriptor();
  if (!dc || dc.tag !== 4) return {};
  o = dc.body + 13;
  const dsi = descriptor();
  if (!dsi || dsi.tag !== 5 || dsi.end - dsi.body < 2) return {};
  // AudioSpecificConfig: objectType 5 bits (31 → 6 more), frequency index 4 bits (15 → 24-bit rate), channels 4 bits
  let bit = dsi.body * 8;
  const read = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++, bit++) {
      if (bit >> 3 >= dsi.end) return -1;
      v = (v << 1) | ((b[bit >> 3] >> (7 - (bit & 7))) & 1);
    }
    return v;
  };
  if (read(5) === 31) read(6);
  const fi = read(4);
  const sampleRate = fi === 15 ? read(24) : fi >= 0 && fi < AAC_RATES.length ? AAC_RATES[fi] : undefined;
  const ch = read(4);
  return {
    ...(sampleRate && sampleRate > 0 ? { sampleRate } : {}),
    ...(ch > 0 && ch < 8 ? { channels: ch === 7 ? 8 : ch } : {}),
  };
}
