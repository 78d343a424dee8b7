/**
 * Magic-number sniffing. The declared MIME type and file extension are never consulted: only the
 * bytes decide what a part is.
 */
import { ascii, hasAscii, hasBytes, indexOfAscii, u32le } from './bytes';
import { isEbml, parseWebm } from './ebml';
import { isFtyp, looksLikeBareQuickTime, parseMp4 } from './isobmff';
import { adtsFrameAt, confirmedFrames, id3Size, mpegFrameAt } from './mpeg';

export type MediaKind = 'image' | 'audio' | 'video' | 'document';

export interface SniffResult {
  /** the MIME type the bytes are, e.g. `image/png`, `audio/mpeg`, `video/mp4`, `application/pdf`, `text/plain` */
  mime: string;
  kind: MediaKind;
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * What the bytes are, from magic numbers, or `null` when unrecognised.
 *
 * Recognised: PNG, JPEG, GIF, WebP, BMP (image; also AVIF/HEIC and SVG, which `inspectImage`
 * refuses as unsupported); WAV, MP3 (ID3 or two consecutive frame headers), AAC/ADTS, OGG
 * (Vorbis/Opus/FLAC; Theora is `video/ogg`), FLAC, M4A (audio); MP4/MOV/3GP (ftyp brands, or a bare
 * QuickTime box), WebM/Matroska, AVI (video); PDF, UTF-8 text (document).
 * MP4-family and WebM/Matroska files are audio when their tracks (read cheaply, stopping before the
 * media data) hold no video; when the tracks cannot be read (cut-short file) the brand / doc type decides.
 */
export function sniff(b: Uint8Array): SniffResult | null {
  if (!(b instanceof Uint8Array) || b.length < 2) return b instanceof Uint8Array && b.length > 0 ? text(b) : null;
  if (hasBytes(b, 0, PNG)) return { mime: 'image/png', kind: 'image' };
  if (hasBytes(b, 0, [0xff, 0xd8, 0xff])) return { mime: 'image/jpeg', kind: 'image' };
  if (hasAscii(b, 0, 'GIF87a') || hasAscii(b, 0, 'GIF89a')) return { mime: 'image/gif', kind: 'image' };
  if (hasAscii(b, 0, 'RIFF') && b.length >= 12) {
    const form = ascii(b, 8, 4);
    if (form === 'WEBP') return { mime: 'image/webp', kind: 'image' };
    if (form === 'WAVE') return { mime: 'audio/wav', kind: 'audio' };
    if (form === 'AVI ') return { mime: 'video/x-msvideo', kind: 'video' };
  }
  if (hasAscii(b, 0, 'BM') && b.length >= 18 && [12, 40, 52, 56, 64, 108, 124].includes(u32le(b, 14)) && b[6] === 0 && b[7] === 0 && b[8] === 0 && b[9] === 0) {
    return { mime: 'image/bmp', kind: 'image' };
  }
  if (isEbml(b)) return ebml(b);
  if (isFtyp(b)) return isoBmff(b, ascii(b, 8, 4));
  if (looksLikeBareQuickTime(b)) return isoBmff(b, 'qt  ');
  if (hasAscii(b, 0, 'OggS')) return ogg(b);
  if (hasAscii(b, 0, 'fLaC')) return { mime: 'audio/flac', kind: 'audio' };
  const id3 = id3Size(b, 0);
  if (id3 > 0) {
    if (hasAscii(b, id3, 'fLaC')) return { mime: 'audio/flac', kind: 'audio' };
    if (adtsFrameAt(b, id3)) return { mime: 'audio/aac', kind: 'audio' };
    return { mime: 'audio/mpeg', kind: 'audio' };
  }
  if (confirmedFrames(b, 0, mpegFrameAt)) return { mime: 'audio/mpeg', kind: 'audio' };
  if (confirmedFrames(b, 0, adtsFrameAt)) return { mime: 'audio/aac', kind: 'audio' };
  if (hasAscii(b, 0, '%PDF-')) return { mime: 'application/pdf', kind: 'document' };
  return text(b);
}

const AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B ']);
const AVIF = new Set(['avif', 'avis']);
const HEIC = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

function isoBmff(b: Uint8Array, brand: string): SniffResult {
  if (AVIF.has(brand)) return { mime: 'image/avif', kind: 'image' };
  if (HEIC.has(brand)) return { mime: 'image/heic', kind: 'image' };
  const videoMime = brand === 'qt  ' ? 'video/quicktime' : brand.startsWith('3g2') ? 'video/3gpp2' : brand.startsWith('3gp') ? 'video/3gpp' : 'video/mp4';
  let handlers: string[] | undefined;
  try {
    handlers = parseMp4(b, { lenient: true }).tracks.map((t) => t.handler);
  } catch {
    handlers = undefined; // cut short or inconsistent: the brand decides (inspect* will say what is wrong)
  }
  if (handlers) {
    if (handlers.includes('vide')) return { mime: videoMime, kind: 'video' };
    if (handlers.includes('soun')) return { mime: brand.startsWith('3g') ? videoMime.replace('video/', 'audio/') : 'audio/mp4', kind: 'audio' };
  }
  if (AUDIO_BRANDS.has(brand)) return { mime: 'audio/mp4', kind: 'audio' };
  return { mime: videoMime, kind: 'video' };
}

function ebml(b: Uint8Array): SniffResult | null {
  try {
    const info = parseWebm(b, { scanClusters: false, lenient: true });
    const sub = info.docType === 'webm' ? 'webm' : info.docType === 'matroska' ? 'x-matroska' : undefined;
    if (!sub) return null;
    const hasVideo = info.tracks.some((t) => t.type === 1);
    const hasAudio = info.tracks.some((t) => t.type === 2);
    return !hasVideo && hasAudio ? { mime: `audio/${sub}`, kind: 'audio' } : { mime: `video/${sub}`, kind: 'video' };
  } catch {
    if (indexOfAscii(b, 'webm', 0, 64) >= 0) return { mime: 'video/webm', kind: 'video' };
    if (indexOfAscii(b, 'matroska', 0, 64) >= 0) return { mime: 'video/x-matroska', kind: 'video' };
    // the EBML header itself is cut short: an EBML file of unknown doc type (inspect* says truncated)
    return b.length < 64 ? { mime: 'video/x-matroska', kind: 'video' } : null;
  }
}

function ogg(b: Uint8Array): SniffResult {
  const nseg = b.length > 26 ? b[26] : 0;
  const body = 27 + nseg;
  if (hasBytes(b, body, [0x80]) && hasAscii(b, body + 1, 'theora')) return { mime: 'video/ogg', kind: 'video' };
  return { mime: 'audio/ogg', kind: 'audio' };
}

/** UTF-8 text: valid UTF-8, no NUL or C0 controls other than TAB, LF, VT, FF, CR, ESC. SVG is reported as an image. */
function text(b: Uint8Array): SniffResult | null {
  if (utf8Text(b) === 'binary') return null;
  let start = hasBytes(b, 0, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (start < b.length && (b[start] === 0x20 || b[start] === 0x09 || b[start] === 0x0a || b[start] === 0x0d)) start++;
  if (b[start] === 0x3c /* < */) {
    const head = ascii(b, start, 1024).toLowerCase();
    if (head.startsWith('<svg') || ((head.startsWith('<?xml') || head.startsWith('<!doctype svg')) && head.includes('<svg'))) {
      return { mime: 'image/svg+xml', kind: 'image' };
    }
  }
  return { mime: 'text/plain', kind: 'document' };
}

/**
 * `text`: valid UTF-8 without disallowed controls; `cut`: the same, except that the data ends
 * inside a multi-byte sequence (a cut-short text file); `binary`: anything else.
 */
export function utf8Text(b: Uint8Array): 'text' | 'cut' | 'binary' {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0b && c !== 0x0c && c !== 0x0d && c !== 0x1b) return 'binary';
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = c & 0x07;
    } else return 'binary';
    if (i + need >= n) {
      // a sequence cut by the end of the data
      for (let k = i + 1; k < n; k++) if ((b[k] & 0xc0) !== 0x80) return 'binary';
      return 'cut';
    }
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) return 'binary';
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 'binary';
    i += need + 1;
  }
  return 'text';
}
