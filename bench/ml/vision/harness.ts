/** Small timing helpers for the vision benches (medians over repeated runs). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { round as roundTo } from '../../lib/harness';

export { median } from '../../lib/harness';
/** Vision figures are reported to 2 decimals. */
export const round = (v: number, digits = 2): number => roundTo(v, digits);

/** Runs `fn` `reps` times (after `warmup` untimed runs) and returns each run's milliseconds. */
export async function timeRuns(reps: number, fn: () => Promise<unknown>, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

/**
 * Times two variants alternately (A, B, A, B, …) so that load from other processes hits both
 * alike; returns each one's per-run milliseconds.
 */
export async function timePair(reps: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    ta.push((await timeRuns(1, a, 0))[0]!);
    tb.push((await timeRuns(1, b, 0))[0]!);
  }
  return [ta, tb];
}

/** Image files (png/jpg/jpeg/webp/gif) of a directory given on the command line. */
export function readImageDir(dir: string): Array<[string, Buffer]> {
  return readdirSync(dir)
    .filter((f) => /\.(png|jpe?g|webp|gif)$/i.test(f))
    .sort()
    .map((f) => [f, readFileSync(path.join(dir, f))]);
}
