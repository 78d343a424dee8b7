import { ascii, concat, fixture } from './fixtures.spec-helper';
import { sniff } from './sniff';

describe('sniff: magic numbers, never the name or the declared type', () => {
  it.each([
    ['image-64x48.png', 'image/png', 'image'],
    ['image-64x48.jpg', 'image/jpeg', 'image'],
    ['image-64x48-3f.gif', 'image/gif', 'image'],
    ['image-64x48-lossy.webp', 'image/webp', 'image'],
    ['image-64x48-lossless.webp', 'image/webp', 'image'],
    ['image-64x48-3f.webp', 'image/webp', 'image'],
    ['image-64x48.bmp', 'image/bmp', 'image'],
    ['audio-1s-8k-mono.wav', 'audio/wav', 'audio'],
    ['audio-1s-cbr.mp3', 'audio/mpeg', 'audio'],
    ['audio-1s-vbr.mp3', 'audio/mpeg', 'audio'],
    ['audio-1s-16k.flac', 'audio/flac', 'audio'],
    ['audio-1s-vorbis.ogg', 'audio/ogg', 'audio'],
    ['audio-1s-opus.ogg', 'audio/ogg', 'audio'],
    ['audio-1s.m4a', 'audio/mp4', 'audio'],
    ['audio-1s-opus.webm', 'audio/webm', 'audio'],
    ['video-2s-10fps-g5.mp4', 'video/mp4', 'video'],
    ['video-2s-10fps-g5-audio.mp4', 'video/mp4', 'video'],
    ['video-2s-10fps-g5-faststart.mp4', 'video/mp4', 'video'],
    ['video-2s-10fps-g5-frag.mp4', 'video/mp4', 'video'],
    ['video-2s-10fps-g5.mov', 'video/quicktime', 'video'],
    ['video-2s-10fps-g5.webm', 'video/webm', 'video'],
    ['video-2s-10fps-g5-audio.webm', 'video/webm', 'video'],
    ['doc-1page.pdf', 'application/pdf', 'document'],
    ['text-utf8.txt', 'text/plain', 'document'],
  ])('%s → %s (%s)', (name, mime, kind) => {
    expect(sniff(fixture(name))).toEqual({ mime, kind });
  });

  it('tells audio-only from video by the tracks, not the brand: an isom MP4 with only sound is audio/mp4', () => {
    // audio-1s.m4a says "M4A "; rewrite the major brand to "isom" — the moov's tracks still decide
    const m4a = fixture('audio-1s.m4a');
    const isom = m4a.slice();
    isom.set(ascii('isom'), 8);
    expect(sniff(isom)).toEqual({ mime: 'audio/mp4', kind: 'audio' });
  });

  it('a cut-short audio-only WebM is still audio (the Tracks are read leniently)', () => {
    const webm = fixture('audio-1s-opus.webm');
    expect(sniff(webm.subarray(0, webm.length - 500))).toEqual({ mime: 'audio/webm', kind: 'audio' });
  });

  it('empty and unrecognised bytes are null; NUL and other C0 controls are not text', () => {
    expect(sniff(new Uint8Array(0))).toBeNull();
    expect(sniff(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]))).toBeNull();
    expect(sniff(ascii('hello\u0000world'))).toBeNull();
    expect(sniff(Uint8Array.from([0xc3, 0x28]))).toBeNull(); // invalid UTF-8
    expect(sniff(Uint8Array.from([0xed, 0xa0, 0x80]))).toBeNull(); // a UTF-16 surrogate in UTF-8
  });

  it('SVG is an image (refused later as unsupported), other markup is text', () => {
    expect(sniff(ascii('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({ mime: 'image/svg+xml', kind: 'image' });
    expect(sniff(ascii('  <svg width="1"></svg>'))).toEqual({ mime: 'image/svg+xml', kind: 'image' });
    expect(sniff(ascii('<html><body>hi</body></html>'))).toEqual({ mime: 'text/plain', kind: 'document' });
  });

  it('MP3 without ID3 needs two consecutive frame headers; a lone 0xFFFB is not enough', () => {
    const mp3 = fixture('audio-1s-cbr.mp3');
    const firstFrame = mp3.indexOf(0xff);
    expect(sniff(mp3.subarray(firstFrame))).toEqual({ mime: 'audio/mpeg', kind: 'audio' });
    expect(sniff(concat(mp3.subarray(firstFrame, firstFrame + 4), new Uint8Array(400)))).toBeNull();
  });

  it('ID3 in front of FLAC is FLAC; AVIF/HEIC brands are images; RIFF AVI is video', () => {
    const id3 = Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
    expect(sniff(concat(id3, fixture('audio-1s-16k.flac')))).toEqual({ mime: 'audio/flac', kind: 'audio' });
    const ftyp = (brand: string): Uint8Array => concat(Uint8Array.from([0, 0, 0, 16]), ascii(`ftyp${brand}\0\0\0\0`));
    expect(sniff(ftyp('avif'))).toEqual({ mime: 'image/avif', kind: 'image' });
    expect(sniff(ftyp('heic'))).toEqual({ mime: 'image/heic', kind: 'image' });
    expect(sniff(concat(ascii('RIFF'), Uint8Array.from([4, 0, 0, 0]), ascii('AVI LIST')))).toEqual({ mime: 'video/x-msvideo', kind: 'video' });
  });
});
