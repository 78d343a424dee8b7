/**
 * Video containers: duration, frame rate, frame and keyframe counts, pixel size and whether there
 * is an audio track — from the container alone, no decoding.
 *
 * - MP4 / MOV / 3GP: moov/mvhd timescale + duration; the first video trak's tkhd width/height,
 *   mdhd timescale + duration, stts sample count (= frames) → fps = frames ÷ track duration, stss
 *   entry count = keyframes (no stss: every frame is a sync frame); fragmented MP4: trun sample
 *   counts and sample flags. Exact.
 * - WebM / Matroska: Segment Info duration; Tracks PixelWidth/PixelHeight; the Clusters are walked
 *   and the video track's blocks counted (frames) with their keyframe flags (SimpleBlock flag
 *   0x80; a BlockGroup without ReferenceBlock) — exact; fps from the track's DefaultDuration, else
 *   frames ÷ duration. Without a Segment duration (live recordings) the last block's end time is
 *   used and `durationEstimated` is set.
 */
import { parseWebm } from './ebml';
import { guarded, MediaError } from './errors';
import type { InspectOptions } from './image';
import { parseMp4 } from './isobmff';
import { sniff } from './sniff';

export interface VideoInfo {
  mime: string;
  durationS: number;
  fps: number;
  /** video frames in the container */
  frames: number;
  /** sync frames (I/IDR frames) */
  keyframes: number;
  width: number;
  height: number;
  hasAudio: boolean;
  /** video codec as the container names it (`avc1`, `hvc1`, `V_VP8`, …) */
  codec: string;
  /** true when `durationS` is not read from the container header */
  durationEstimated: boolean;
}

/**
 * Reads a video's duration, frame rate, frame/keyframe counts and size. Throws `MediaError`:
 * `unsupported_media` (not a video container we read, or no video track), `truncated`,
 * `malformed`, `invalid_dimensions`.
 */
export function inspectVideo(bytes: Uint8Array, opts: InspectOptions = {}): VideoInfo {
  return guarded('video', opts.part, () => {
    const s = sniff(bytes);
    if (!s) throw new MediaError('unsupported_media', 'not a recognised video format');
    let info: VideoInfo;
    switch (s.mime) {
      // audio-only containers are walked too, so a cut-short file says `truncated`, a whole one "no video track"
      case 'video/mp4':
      case 'video/quicktime':
      case 'video/3gpp':
      case 'video/3gpp2':
      case 'audio/mp4':
      case 'audio/3gpp':
      case 'audio/3gpp2':
        info = mp4(bytes, s.mime);
        break;
      case 'video/webm':
      case 'video/x-matroska':
      case 'audio/webm':
      case 'audio/x-matroska':
        info = webm(bytes, s.mime);
        break;
      default:
        throw new MediaError('unsupported_media', s.kind === 'video' ? `${s.mime} video is not supported` : `${s.mime} is not a video`);
    }
    if (!(info.width > 0 && info.height > 0)) throw new MediaError('invalid_dimensions', `${s.mime}: video is ${info.width}×${info.height}`);
    if (!Number.isFinite(info.durationS) || info.durationS < 0 || !Number.isFinite(info.fps) || info.fps < 0) {
      throw new MediaError('malformed', `${s.mime}: duration ${info.durationS} s, ${info.fps} fps`);
    }
    return info;
  });
}

function mp4(b: Uint8Array, mime: string): VideoInfo {
  const info = parseMp4(b);
  const v = info.tracks.find((t) => t.handler === 'vide');
  if (!v) throw new MediaError('unsupported_media', `${mime}: no video track`);
  const trackS = v.durationS > 0 ? v.durationS : info.durationS;
  return {
    mime,
    durationS: info.durationS > 0 ? info.durationS : trackS,
    fps: trackS > 0 ? v.samples / trackS : 0,
    frames: v.samples,
    keyframes: v.syncSamples,
    width: v.width,
    height: v.height,
    hasAudio: info.tracks.some((t) => t.handler === 'soun'),
    codec: v.codec,
    durationEstimated: false,
  };
}

function webm(b: Uint8Array, mime: string): VideoInfo {
  const info = parseWebm(b, { scanClusters: true });
  const v = info.tracks.find((t) => t.type === 1);
  if (!v) throw new MediaError('unsupported_media', `${mime}: no video track`);
  const blocks = info.blocks.get(v.number) ?? { frames: 0, keyframes: 0 };
  const durationS = info.durationS ?? info.lastBlockS;
  const fps = v.defaultDurationNs ? 1e9 / v.defaultDurationNs : durationS > 0 ? blocks.frames / durationS : 0;
  return {
    mime,
    durationS,
    fps,
    frames: blocks.frames,
    keyframes: blocks.keyframes,
    width: v.width ?? 0,
    height: v.height ?? 0,
    hasAudio: info.tracks.some((t) => t.type === 2),
    codec: v.codec,
    durationEstimated: info.durationS === undefined,
  };
}
