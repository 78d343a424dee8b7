/** Documents (`file` parts): PDF and plain UTF-8 text. */
import { ascii, hasAscii, indexOfAscii, lastIndexOfAscii } from './bytes';
import { guarded, MediaError } from './errors';
import type { InspectOptions } from './image';
import { sniff, utf8Text } from './sniff';

export interface DocumentInfo {
  mime: string;
  /** PDF: `/Type /Page` objects seen in the file; absent when none are visible (compressed object streams). Best effort. */
  pages?: number;
  /** PDF header version, e.g. `1.7` */
  version?: string;
  /** text: number of Unicode code points */
  chars?: number;
}

/** PDF: header + `%%EOF` in the last 1 KiB (else `truncated`); text: valid UTF-8 (else `unsupported_media`). */
export function inspectDocument(bytes: Uint8Array, opts: InspectOptions = {}): DocumentInfo {
  return guarded('document', opts.part, () => {
    const s = sniff(bytes);
    if (!s) throw new MediaError('unsupported_media', 'not a recognised document format');
    if (s.mime === 'application/pdf') return pdf(bytes);
    if (s.mime === 'text/plain') {
      if (utf8Text(bytes) === 'cut') throw new MediaError('truncated', 'text ends inside a UTF-8 sequence (cut short)');
      let chars = 0;
      for (let i = 0; i < bytes.length; i++) if ((bytes[i] & 0xc0) !== 0x80) chars++;
      return { mime: 'text/plain', chars };
    }
    throw new MediaError('unsupported_media', `${s.mime} is not a document`);
  });
}

function pdf(b: Uint8Array): DocumentInfo {
  const m = /^%PDF-(\d\.\d)/.exec(ascii(b, 0, 12));
  if (!m && b.length < 9) throw new MediaError('truncated', 'PDF: cut inside the header');
  if (!m) throw new MediaError('malformed', 'PDF: header is not %PDF-<major>.<minor>');
  if (lastIndexOfAscii(b, '%%EOF', Math.max(0, b.length - 1024)) < 0) {
    throw new MediaError('truncated', 'PDF: no %%EOF marker in the last 1024 bytes (cut short)');
  }
  let pages = 0;
  for (let o = indexOfAscii(b, '/Type'); o >= 0; o = indexOfAscii(b, '/Type', o + 5)) {
    let p = o + 5;
    while (p < b.length && (b[p] === 0x20 || b[p] === 0x0a || b[p] === 0x0d || b[p] === 0x09)) p++;
    if (hasAscii(b, p, '/Page') && !/[A-Za-z0-9]/.test(ascii(b, p + 5, 1))) pages++;
  }
  return pages > 0 ? { mime: 'application/pdf', version: m[1], pages } : { mime: 'application/pdf', version: m[1] };
}
