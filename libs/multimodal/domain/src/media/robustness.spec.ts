// Hostile input: every entry point returns metadata or throws a MediaError — never another
// exception (a parser bug on hostile bytes is wrapped as `malformed` WITH a `cause`, which these
// properties also reject), and never hangs (each call is timed).
import fc from 'fast-check';
import { inspectAudio } from './audio';
import { inspectDocument } from './document';
import { MediaError } from './errors';
import { ascii, concat, FIXTURES, fixture } from './fixtures.spec-helper';
import { inspectImage } from './image';
import { sniff } from './sniff';
import { validateMediaPart } from './validate';
import { inspectVideo } from './video';

const ENTRY_POINTS: ReadonlyArray<[string, (b: Uint8Array) => unknown]> = [
  ['sniff', sniff],
  ['inspectImage', (b) => inspectImage(b)],
  ['inspectAudio', (b) => inspectAudio(b)],
  ['inspectVideo', (b) => inspectVideo(b)],
  ['inspectDocument', (b) => inspectDocument(b)],
  ['validateMediaPart(image)', (b) => validateMediaPart('image', b)],
  ['validateMediaPart(audio)', (b) => validateMediaPart('audio', b)],
  ['validateMediaPart(video)', (b) => validateMediaPart('video', b)],
  ['validateMediaPart(file)', (b) => validateMediaPart('file', b)],
];

let slowest = 0;

function survives(bytes: Uint8Array): void {
  for (const [name, fn] of ENTRY_POINTS) {
    const t0 = performance.now();
    let result: unknown;
    try {
      result = fn(bytes);
    } catch (e) {
      if (!(e instanceof MediaError)) throw new Error(`${name} threw a non-MediaError: ${String(e)}`);
      if (e.cause !== undefined) throw new Error(`${name}: a parser bug surfaced as malformed: ${String(e.cause)}`);
    }
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    if (ms > 1000) throw new Error(`${name} took ${ms.toFixed(0)} ms on ${bytes.length} bytes`);
    if (result && typeof result === 'object' && 'width' in result) {
      const r = result as { width: number; height: number };
      if (!(r.width > 0 && r.height > 0)) throw new Error(`${name} returned ${r.width}×${r.height}`);
    }
    if (result && typeof result === 'object' && 'durationS' in result) {
      const d = (result as { durationS: number }).durationS;
      if (!(Number.isFinite(d) && d >= 0)) throw new Error(`${name} returned duration ${d}`);
    }
  }
}

const MAGIC: readonly Uint8Array[] = [
  Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
  Uint8Array.from([0xff, 0xd8, 0xff]),
  ascii('GIF89a'),
  concat(ascii('RIFF'), Uint8Array.from([0xff, 0, 0, 0]), ascii('WEBPVP8X')),
  concat(ascii('RIFF'), Uint8Array.from([0xff, 0, 0, 0]), ascii('WAVEfmt ')),
  Uint8Array.from([0x42, 0x4d, 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0]),
  concat(Uint8Array.from([0, 0, 0, 16]), ascii('ftypisom\0\0\0\0')),
  concat(Uint8Array.from([0, 0, 0, 16]), ascii('ftypM4A \0\0\0\0')),
  Uint8Array.from([0x1a, 0x45, 0xdf, 0xa3]),
  ascii('OggS\0\x02'),
  ascii('fLaC\0\0\0\x22'),
  ascii('ID3\x04\0\0\0\0\0\0'),
  Uint8Array.from([0xff, 0xfb, 0x90, 0x64]),
  Uint8Array.from([0xff, 0xf1, 0x50, 0x80]),
  ascii('%PDF-1.7\n'),
];

describe('robustness: MediaError or metadata, never another exception, never a hang', () => {
  afterAll(() => {
    // visible in verbose runs; the per-call bound above is what fails a test
    expect(slowest).toBeLessThan(1000);
  });

  it('any prefix of any fixture', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), fc.double({ min: 0, max: 1, noNaN: true }), (name, frac) => {
        const full = fixture(name);
        survives(full.subarray(0, Math.floor(full.length * frac)));
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => survives(bytes)),
      { numRuns: 300 },
    );
  });

  it('random bytes behind a real magic number (reaches the parsers)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MAGIC), fc.uint8Array({ maxLength: 1024 }), (magic, tail) => survives(concat(magic, tail))),
      { numRuns: 400 },
    );
  });

  it('fixtures with a few bytes overwritten (sizes, counts and offsets go wild)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURES),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (name, edits) => {
          const b = fixture(name).slice();
          for (const [where, value] of edits) b[Math.floor(where * (b.length - 1))] = value;
          survives(b);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('fixtures with a header region fuzzed (first 256 bytes)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 1, maxLength: 8 }), (name, at, bytes) => {
        const b = fixture(name).slice();
        b.set(bytes.subarray(0, Math.max(0, b.length - at)), Math.min(at, b.length));
        survives(b);
      }),
      { numRuns: 400 },
    );
  });
});
