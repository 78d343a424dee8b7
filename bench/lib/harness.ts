/** Shared bench helpers: medians over repeated runs, the dataset-path argument, the JSON headline. */
import { resolve } from 'node:path';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` `warmup` times unmeasured, then `repeats` times; returns the median wall time in ms. */
export function medianMs(fn: () => unknown, repeats: number, warmup = 1): number {
  for (let i = 0; i < warmup; i++) sink(fn());
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    sink(fn());
    times.push(performance.now() - t0);
  }
  return median(times);
}

let sinkValue: unknown;
/** Keeps results alive so the JIT cannot drop the measured work. */
export function sink(v: unknown): void {
  sinkValue = v;
}
export function lastSink(): unknown {
  return sinkValue;
}

/** The OBD folder: first CLI argument, default `../shared/data/obd` from the workspace root. */
export function obdDirFromArgs(): string {
  return resolve(process.argv[2] ?? '../shared/data/obd');
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The last line on stdout: the headline figures as one JSON object. */
export function printHeadline(bench: string, figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench, ...figures })}\n`);
}
