/**
 * Strict base64 and `data:` URL parsing.
 *
 * Policy (RFC 4648 §4, standard alphabet, canonical form):
 * - alphabet `A–Z a–z 0–9 + /` only; the URL-safe `-` `_` are refused with a message saying so;
 *   `%`-escapes are refused too (a data: URL's payload must be plain base64);
 * - padding is required: the length is a multiple of 4, with at most two `=` and only at the end;
 * - canonical: the unused low bits of the last character before the padding must be zero (every
 *   real encoder writes zeros; anything else is a smuggled or corrupted payload);
 * - whitespace: refused by default (`whitespace: 'reject'`), since JSON bodies carry base64 on one
 *   line; `whitespace: 'strip'` drops ASCII whitespace (space, TAB, CR, LF, FF) first, as browsers
 *   do for data: URLs and MIME line-wrapped payloads — opt in per call;
 * - the empty payload is refused (no media part is empty);
 * - `maxBytes` is checked on the decoded length computed from the text length, before decoding.
 */
import { MediaError } from './errors';

export type Base64WhitespacePolicy = 'reject' | 'strip';

export interface Base64Options {
  /** Default `'reject'`. */
  whitespace?: Base64WhitespacePolicy;
  /** Refuse (code `too_large`) when the decoded payload would exceed this many bytes. */
  maxBytes?: number;
  /** Label for errors (e.g. `messages[0].content[1].input_audio.data`). */
  part?: string;
}

const DECODE = (() => {
  const t = new Int16Array(256).fill(-1);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < abc.length; i++) t[abc.charCodeAt(i)] = i;
  return t;
})();

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c;

function describe(c: number): string {
  const hex = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}' (${hex})` : hex;
}

/** Decoded size of a (padded, whitespace-free) base64 text of length `len` ending in `pad` '='. */
export const base64DecodedLength = (len: number, pad: number): number => (len / 4) * 3 - pad;

/** Decodes strict base64 (see the module comment for the policy); throws `MediaError('bad_base64' | 'too_large')`. */
export function decodeBase64Strict(input: string, opts: Base64Options = {}): Uint8Array {
  const part = opts.part;
  const bad = (msg: string): MediaError => new MediaError('bad_base64', `invalid base64: ${msg}`, part);
  if (typeof input !== 'string') throw bad('not a string');
  let s = input;
  if (opts.whitespace === 'strip') {
    let out = '';
    let start = 0;
    for (let i = 0; i < s.length; i++) {
      if (isWs(s.charCodeAt(i))) {
        out += s.slice(start, i);
        start = i + 1;
      }
    }
    s = start === 0 ? s : out + s.slice(start);
  }
  if (s.length === 0) throw bad('empty payload');

  // One pass of validation first, so the message names the first problem and its position.
  let pad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d /* = */) {
      if (pad === 0 && i < s.length - 2) throw bad(`padding '=' at position ${i} is not at the end`);
      pad++;
      continue;
    }
    if (pad > 0) throw bad(`character ${describe(c)} at position ${i} after padding '='`);
    if (c < 256 && DECODE[c] >= 0) continue;
    if (isWs(c)) throw bad(`whitespace ${describe(c)} at position ${i} (whitespace is not allowed in this payload)`);
    if (c === 0x2d || c === 0x5f) throw bad(`base64url character ${describe(c)} at position ${i}; use the standard alphabet (+ and /)`);
    if (c === 0x25) throw bad(`'%' at position ${i}: percent-encoded payloads are not accepted`);
    throw bad(`character ${describe(c)} at position ${i} is not in the base64 alphabet`);
  }
  if (s.length % 4 !== 0) {
    throw bad(`length ${s.length} is not a multiple of 4 (${pad === 0 ? 'missing padding?' : 'wrong padding'})`);
  }
  if (pad > 2) throw bad(`${pad} padding characters (at most 2)`);
  const outLen = base64DecodedLength(s.length, pad);
  if (opts.maxBytes !== undefined && outLen > opts.maxBytes) {
    throw new MediaError('too_large', `decoded payload is ${outLen} bytes, over the ${opts.maxBytes}-byte limit`, part);
  }
  const lastSym = DECODE[s.charCodeAt(s.length - 1 - pad)];
  if ((pad === 1 && (lastSym & 0x03) !== 0) || (pad === 2 && (lastSym & 0x0f) !== 0)) {
    throw bad('non-canonical encoding (the unused bits before the padding are not zero)');
  }

  const out = new Uint8Array(outLen);
  let o = 0;
  const full = s.length - (pad > 0 ? 4 : 0);
  for (let i = 0; i < full; i += 4) {
    const n =
      (DECODE[s.charCodeAt(i)] << 18) | (DECODE[s.charCodeAt(i + 1)] << 12) | (DECODE[s.charCodeAt(i + 2)] << 6) | DECODE[s.charCodeAt(i + 3)];
    out[o++] = (n >> 16) & 0xff;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (pad > 0) {
    const i = full;
    const n = (DECODE[s.charCodeAt(i)] << 18) | (DECODE[s.charCodeAt(i + 1)] << 12) | (pad === 1 ? DECODE[s.charCodeAt(i + 2)] << 6 : 0);
    out[o++] = (n >> 16) & 0xff;
    if (pad === 1) out[o++] = (n >> 8) & 0xff;
  }
  return out;
}

export interface DataUrl {
  /** The declared media type, lower-cased (`''` when the URL declares none). Never trusted: sniff the bytes. */
  mime: string;
  /** Parameters other than `base64` (e.g. `{charset: 'utf-8'}`, `{name: 'x.png'}`), keys lower-cased. */
  params: Record<string, string>;
  bytes: Uint8Array;
}

const TOKEN = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;

/**
 * Parses `data:<mime>[;k=v]*;base64,<payload>` with strict base64 (see `decodeBase64Strict`).
 * Only base64 data URLs are accepted (no percent-encoded text payloads). The scheme is matched
 * case-insensitively. Errors: `bad_data_url` (shape), `bad_base64` (payload), `too_large`.
 */
export function parseDataUrl(url: string, opts: Base64Options = {}): DataUrl {
  const part = opts.part;
  const bad = (msg: string): MediaError => new MediaError('bad_data_url', `invalid data URL: ${msg}`, part);
  if (typeof url !== 'string') throw bad('not a string');
  if (url.slice(0, 5).toLowerCase() !== 'data:') throw bad(`does not start with "data:" (starts with ${JSON.stringify(url.slice(0, 12))})`);
  const comma = url.indexOf(',', 5);
  if (comma < 0) throw bad('no "," between the header and the payload');
  const header = url.slice(5, comma);
  if (header.length > 1024) throw bad('header longer than 1024 characters');
  const segs = header.split(';');
  const last = segs[segs.length - 1].trim().toLowerCase();
  if (segs.length < 2 || last !== 'base64') throw bad('only base64 data URLs are accepted (";base64," missing)');
  const mime = segs[0].trim().toLowerCase();
  if (mime !== '' && !TOKEN.test(mime)) throw bad(`media type ${JSON.stringify(segs[0])} is not type/subtype`);
  const params: Record<string, string> = {};
  for (const p of segs.slice(1, -1)) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw bad(`parameter ${JSON.stringify(p)} is not key=value`);
    params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim();
  }
  const bytes = decodeBase64Strict(url.slice(comma + 1), opts);
  return { mime, params, bytes };
}
