/**
 * One entry point for a content part's raw bytes: sniff (magic numbers only), check the kind
 * matches the part, check size / dimensions / duration limits, return the cheap metadata the
 * budget planner needs.
 */
import { type AudioInfo, inspectAudio } from './audio';
import { type DocumentInfo, inspectDocument } from './document';
import { guarded, MediaError } from './errors';
import { type ImageInfo, inspectImage } from './image';
import { MEDIA_LIMITS, type MediaLimits } from './limits';
import { type MediaKind, sniff } from './sniff';
import { inspectVideo, type VideoInfo } from './video';

/** The OpenAI content part the bytes came from: `image_url`, `input_audio`, `video_url`, `file`. */
export type MediaPartKind = 'image' | 'audio' | 'video' | 'file';

/** Which sniffed kinds each part accepts by default (override with `ValidateMediaOptions.accept`). */
export const MEDIA_PART_ACCEPTS: Readonly<Record<MediaPartKind, readonly MediaKind[]>> = Object.freeze({
  image: ['image'],
  audio: ['audio'],
  video: ['video'],
  file: ['document', 'image'],
});

const PART_NAMES: Record<MediaPartKind, string> = { image: 'an image_url', audio: 'an input_audio', video: 'a video_url', file: 'a file' };

export interface ValidateMediaOptions {
  /** label for errors, e.g. `messages[0].content[2]` */
  part?: string;
  /** the MIME the client declared (data: URL media type, Content-Type, `input_audio.format` such as `wav`) — compared, never trusted */
  declaredMime?: string;
  /** the client's filename (`file.filename`) — its extension is compared, never trusted */
  filename?: string;
  /** sniffed kinds this part accepts; default `MEDIA_PART_ACCEPTS[kind]` */
  accept?: readonly MediaKind[];
}

interface Common {
  /** the sniffed MIME type (what the bytes are) */
  mime: string;
  byteLength: number;
  /**
   * The declared MIME type or the filename's extension names a different format than the bytes
   * (a JPEG sent as x.png). Informational only: the bytes decide, the declaration is ignored.
   */
  declaredMismatch: boolean;
}

export type ValidatedMedia =
  | (Common & { kind: 'image'; image: ImageInfo })
  | (Common & { kind: 'audio'; audio: AudioInfo })
  | (Common & { kind: 'video'; video: VideoInfo })
  | (Common & { kind: 'document'; document: DocumentInfo });

/**
 * Validates one part's bytes. Throws `MediaError` with `part` set from `opts.part`:
 * `too_large` (bytes, pixels, side, frames), `too_long` (seconds), `kind_mismatch` (e.g. a PNG in
 * `input_audio`, a text file named .png in `image_url`), `unsupported_media`, `truncated`,
 * `malformed`, `invalid_dimensions`.
 */
export function validateMediaPart(kind: MediaPartKind, bytes: Uint8Array, limits: Readonly<MediaLimits> = MEDIA_LIMITS, opts: ValidateMediaOptions = {}): ValidatedMedia {
  return guarded('part', opts.part, () => {
    const accept = opts.accept ?? MEDIA_PART_ACCEPTS[kind];
    if (!accept) throw new MediaError('unsupported_media', `unknown part kind ${String(kind)}`);
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new MediaError('unsupported_media', 'the part is empty');
    // cheapest first: no accepted kind allows this many bytes
    const ceiling = Math.max(...accept.map((k) => limits[k].maxBytes));
    if (bytes.length > ceiling) throw new MediaError('too_large', `${bytes.length} bytes, over the ${ceiling}-byte limit`);

    const declared = opts.declaredMime ? ` (declared ${opts.declaredMime})` : opts.filename ? ` (named ${opts.filename})` : '';
    const s = sniff(bytes);
    if (!s) throw new MediaError('unsupported_media', `the bytes are no supported ${accept.join('/')} format${declared}`);
    if (!accept.includes(s.kind)) {
      throw new MediaError(
        'kind_mismatch',
        `the bytes are ${s.mime}${declared}: ${article(s.kind)} ${s.kind} is not allowed in ${PART_NAMES[kind]} part (accepts ${accept.join(', ')})`,
      );
    }
    const max = limits[s.kind].maxBytes;
    if (bytes.length > max) throw new MediaError('too_large', `${s.mime}: ${bytes.length} bytes, over the ${max}-byte ${s.kind} limit`);
    const common: Common = { mime: s.mime, byteLength: bytes.length, declaredMismatch: mismatch(s.mime, opts) };

    switch (s.kind) {
      case 'image': {
        const image = inspectImage(bytes);
        const l = limits.image;
        const side = Math.max(image.width, image.height);
        if (side > l.maxSide) throw new MediaError('too_large', `${s.mime}: ${image.width}×${image.height}, a side over the ${l.maxSide}-pixel limit`);
        const px = image.width * image.height;
        if (px > l.maxPixels) throw new MediaError('too_large', `${s.mime}: ${image.width}×${image.height} = ${px} pixels, over the ${l.maxPixels}-pixel limit`);
        if ((image.frames ?? 1) > l.maxFrames) throw new MediaError('too_large', `${s.mime}: ${image.frames} frames, over the ${l.maxFrames}-frame limit`);
        return { ...common, kind: 'image', image };
      }
      case 'audio': {
        const audio = inspectAudio(bytes);
        if (audio.durationS > limits.audio.maxSeconds) {
          throw new MediaError('too_long', `${s.mime}: ${audio.durationS.toFixed(1)} s, over the ${limits.audio.maxSeconds}-second audio limit`);
        }
        return { ...common, kind: 'audio', audio };
      }
      case 'video': {
        const video = inspectVideo(bytes);
        if (video.durationS > limits.video.maxSeconds) {
          throw new MediaError('too_long', `${s.mime}: ${video.durationS.toFixed(1)} s, over the ${limits.video.maxSeconds}-second video limit`);
        }
        const px = video.width * video.height;
        if (px > limits.video.maxPixels) throw new MediaError('too_large', `${s.mime}: ${video.width}×${video.height}, over the ${limits.video.maxPixels}-pixel video limit`);
        return { ...common, kind: 'video', video };
      }
      case 'document':
        return { ...common, kind: 'document', document: inspectDocument(bytes) };
    }
  });
}

const article = (k: string): string => (/^[aeiou]/.test(k) ? 'an' : 'a');

/** Declared names (MIME types, MIME aliases, extensions, `input_audio.format` values) → the sniffed MIME they mean. */
const DECLARED: Record<string, string> = {
  'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', jpg: 'image/jpeg', jpeg: 'image/jpeg', jpe: 'image/jpeg', jfif: 'image/jpeg',
  png: 'image/png', apng: 'image/png', 'image/apng': 'image/png', gif: 'image/gif', webp: 'image/webp',
  bmp: 'image/bmp', 'image/x-ms-bmp': 'image/bmp', 'image/x-bmp': 'image/bmp', svg: 'image/svg+xml', avif: 'image/avif', heic: 'image/heic', heif: 'image/heic', 'image/heif': 'image/heic',
  wav: 'audio/wav', wave: 'audio/wav', 'audio/wave': 'audio/wav', 'audio/x-wav': 'audio/wav', 'audio/vnd.wave': 'audio/wav',
  mp3: 'audio/mpeg', 'audio/mp3': 'audio/mpeg', 'audio/mpeg3': 'audio/mpeg', 'audio/x-mpeg': 'audio/mpeg',
  aac: 'audio/aac', 'audio/x-aac': 'audio/aac', 'audio/aacp': 'audio/aac',
  flac: 'audio/flac', 'audio/x-flac': 'audio/flac', ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/ogg', 'audio/opus': 'audio/ogg', 'application/ogg': 'audio/ogg',
  m4a: 'audio/mp4', 'audio/m4a': 'audio/mp4', 'audio/x-m4a': 'audio/mp4', weba: 'audio/webm',
  mp4: 'video/mp4', m4v: 'video/mp4', 'video/x-m4v': 'video/mp4', mov: 'video/quicktime', qt: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska',
  '3gp': 'video/3gpp', '3g2': 'video/3gpp2', avi: 'video/x-msvideo', ogv: 'video/ogg',
  pdf: 'application/pdf', txt: 'text/plain', text: 'text/plain', md: 'text/plain', csv: 'text/plain', json: 'text/plain',
  'text/markdown': 'text/plain', 'text/csv': 'text/plain', 'application/json': 'text/plain',
};

/** The same format family, ignoring audio/video container distinctions (an audio-only .webm / .mp4 is not a mismatch). */
function family(mime: string): string {
  if (mime.endsWith('/webm')) return 'webm';
  if (mime.endsWith('/x-matroska')) return 'matroska';
  if (mime === 'audio/mp4' || mime === 'video/mp4' || mime === 'video/quicktime' || mime.includes('3gpp')) return 'isobmff';
  if (mime.endsWith('/ogg')) return 'ogg';
  return mime;
}

function mismatch(sniffed: string, opts: ValidateMediaOptions): boolean {
  const names: string[] = [];
  if (opts.declaredMime) names.push(opts.declaredMime.split(';')[0].trim().toLowerCase());
  if (opts.filename && /\.[A-Za-z0-9]+$/.test(opts.filename)) names.push(opts.filename.slice(opts.filename.lastIndexOf('.') + 1).toLowerCase());
  for (const n of names) {
    if (n === '' || n === 'application/octet-stream' || n === 'binary/octet-stream') continue;
    const meant = DECLARED[n] ?? n;
    if (!meant.includes('/')) continue; // an extension we do not know: no opinion
    if (family(meant) !== family(sniffed)) return true;
  }
  return false;
}
