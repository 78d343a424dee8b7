// Test-only: reads the committed media fixtures (see __fixtures__/make-fixtures.sh).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MediaError } from './errors';

const DIR = join(__dirname, '__fixtures__');

const cache = new Map<string, Uint8Array>();

/** A fresh copy of a fixture's bytes (read once per test file). */
export function fixture(name: string): Uint8Array {
  let b = cache.get(name);
  if (!b) {
    b = new Uint8Array(readFileSync(join(DIR, name)));
    cache.set(name, b);
  }
  return b.slice();
}

export const FIXTURES: readonly string[] = readdirSync(DIR)
  .filter((f) => !f.endsWith('.sh'))
  .sort();

/** Runs fn and returns the MediaError it throws; fails the test if it returns or throws anything else. */
export function mediaError(fn: () => unknown): MediaError {
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    if (e instanceof MediaError) return e;
    throw new Error(`expected a MediaError, got ${String(e)}`);
  }
  throw new Error(`expected a MediaError, got a result: ${JSON.stringify(result)}`);
}

/** The same bytes with `count` bytes spliced in at `at`. */
export function patch(b: Uint8Array, at: number, bytes: ArrayLike<number>): Uint8Array {
  const out = b.slice();
  out.set(bytes, at);
  return out;
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
