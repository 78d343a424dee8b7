import fc from 'fast-check';
import { decodeBase64Strict, parseDataUrl } from './base64';
import { fixture, mediaError } from './fixtures.spec-helper';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

describe('decodeBase64Strict', () => {
  it('round-trips every byte string Node encodes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (bytes) => {
        expect(decodeBase64Strict(b64(bytes))).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a real fixture byte for byte', () => {
    const png = fixture('image-64x48.png');
    expect(decodeBase64Strict(b64(png))).toEqual(png);
  });

  it.each([
    ['empty payload', '', /empty payload/],
    ['base64url alphabet (-)', 'ab-d', /base64url character '-' \(U\+002D\) at position 2/],
    ['base64url alphabet (_)', 'ab_d', /base64url character '_'/],
    ['missing padding', 'QUI', /length 3 is not a multiple of 4 \(missing padding\?\)/],
    ['extra padding', 'QQ===', /padding '=' at position 2 is not at the end/],
    ['three = in a quad', 'Q===', /padding '=' at position 1 is not at the end/],
    ['padding in the middle', 'QQ==QUJD', /padding '=' at position 2 is not at the end/],
    ['data after padding', 'QUI=Q', /character 'Q' \(U\+0051\) at position 4 after padding/],
    ['invalid character', 'QU!D', /character '!' \(U\+0021\) at position 2 is not in the base64 alphabet/],
    ['non-ASCII character', 'QUJé', /U\+00E9/],
    ['percent-encoding', 'QU%3D', /'%' at position 2: percent-encoded payloads are not accepted/],
    ['a space', 'QUJD QUJD', /whitespace U\+0020 at position 4/],
    ['a line break', 'QUJD\nQUJD', /whitespace U\+000A at position 4/],
    ['non-canonical bits (1 pad)', 'QUI=', null],
    ['non-canonical bits (1 pad, set)', 'QUJ=', /non-canonical/],
    ['non-canonical bits (2 pads)', 'QR==', /non-canonical/],
  ])('%s', (_what, input, message) => {
    if (message === null) {
      expect(decodeBase64Strict(input)).toEqual(Uint8Array.from([0x41, 0x42]));
      return;
    }
    const e = mediaError(() => decodeBase64Strict(input, { part: 'input_audio.data' }));
    expect(e.code).toBe('bad_base64');
    expect(e.part).toBe('input_audio.data');
    expect(e.message).toMatch(message);
  });

  it("whitespace: 'strip' drops ASCII whitespace (MIME line wrapping), still strict about the rest", () => {
    expect(decodeBase64Strict('QU\r\nJD\tQU JD\n', { whitespace: 'strip' })).toEqual(new TextEncoder().encode('ABCABC'));
    expect(mediaError(() => decodeBase64Strict('QU JD-', { whitespace: 'strip' })).code).toBe('bad_base64');
    expect(mediaError(() => decodeBase64Strict(' \n ', { whitespace: 'strip' })).message).toMatch(/empty/);
  });

  it('maxBytes is checked from the text length, before decoding', () => {
    const e = mediaError(() => decodeBase64Strict('QUJDRA==', { maxBytes: 3 }));
    expect(e.code).toBe('too_large');
    expect(e.message).toMatch(/4 bytes, over the 3-byte limit/);
    expect(decodeBase64Strict('QUJDRA==', { maxBytes: 4 })).toHaveLength(4);
  });

  it('random strings: a result equal to what Node decodes, or bad_base64 — nothing else', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ABCDabcd0189+/=-_ %\n'.split('')), maxLength: 24 }), (s) => {
        try {
          const out = decodeBase64Strict(s);
          expect(b64(out)).toBe(s); // only canonical encodings pass
        } catch (e) {
          expect(e).toMatchObject({ name: 'MediaError', code: 'bad_base64' });
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseDataUrl', () => {
  it('returns the declared type (lower-cased), parameters and bytes', () => {
    const png = fixture('image-64x48.png');
    expect(parseDataUrl(`data:image/PNG;name=x.png;base64,${b64(png)}`)).toEqual({ mime: 'image/png', params: { name: 'x.png' }, bytes: png });
    expect(parseDataUrl(`DATA:;base64,${b64(png)}`).mime).toBe('');
  });

  it.each([
    ['not a data URL', 'https://example.com/x.png', 'bad_data_url', /does not start with "data:"/],
    ['no comma', 'data:image/png;base64', 'bad_data_url', /no ","/],
    ['not base64', 'data:text/plain,hello', 'bad_data_url', /only base64 data URLs/],
    ['bad media type', 'data:image;base64,QUJD', 'bad_data_url', /is not type\/subtype/],
    ['bad parameter', 'data:image/png;charset;base64,QUJD', 'bad_data_url', /is not key=value/],
    ['bad payload', 'data:image/png;base64,QUJD=', 'bad_base64', /length 5/],
    ['url-safe payload', 'data:image/png;base64,-_-_', 'bad_base64', /base64url/],
    ['whitespace in payload', 'data:image/png;base64,QUJD QUJD', 'bad_base64', /whitespace/],
  ])('%s → %s', (_what, url, code, message) => {
    const e = mediaError(() => parseDataUrl(url, { part: 'messages[0].content[0]' }));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith('messages[0].content[0]: ')).toBe(true);
  });

  it('maxBytes refuses an oversized payload before decoding it', () => {
    const big = 'data:image/png;base64,' + 'A'.repeat(4 * 1000);
    expect(mediaError(() => parseDataUrl(big, { maxBytes: 2999 })).code).toBe('too_large');
  });
});
