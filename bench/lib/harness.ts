/** Shared bench helpers: medians over repeated runs, the dataset-path argument, the JSON headline. */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

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

/** The workspace root (benches run from it; dataset defaults are relative to it). */
const ROOT = resolve(__dirname, '../..');
const BENCH = relative(ROOT, process.argv[1] ?? 'bench') || 'bench';

/** A bench's command line: `--name value` / `--name=value` flags, and the other arguments in order. */
export function benchArgs(argv: readonly string[] = process.argv.slice(2)): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(a);
    if (!m) positional.push(a);
    else if (m[2] !== undefined) flags.set(m[1] as string, m[2]);
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) flags.set(m[1] as string, argv[++i] as string);
    else usageError(`${a} needs a value`);
  }
  return { flags, positional };
}

/** A one-line usage error on stderr (no stack trace), exit code 2. */
export function usageError(message: string): never {
  process.stderr.write(`${BENCH}: ${message}\n`);
  process.exit(2);
}

/**
 * A dataset's path: `--<flag> <path>` when given, else `defaultRelative` (from the workspace root,
 * e.g. `../shared/data/obd`) only when it is there. Anything missing (the path, or one of the
 * `contains` entries under it) ends the bench with one line naming the flag, exit code 2.
 */
export function datasetPath(flag: string, defaultRelative: string, o: { what: string; contains?: readonly string[] }): string {
  const given = benchArgs().flags.get(flag);
  const path = given !== undefined ? resolve(given) : resolve(ROOT, defaultRelative);
  const inside = existsSync(path) ? (o.contains ?? []).find((c) => !existsSync(join(path, c))) : undefined;
  if (existsSync(path) && inside === undefined) return path;
  const problem = inside === undefined ? 'not found' : `has no ${inside}`;
  if (given !== undefined) usageError(`--${flag} ${given}: ${problem} (expected ${o.what})`);
  usageError(`${o.what}: ${defaultRelative} (the default) ${problem}; pass --${flag} <path>`);
}

/** Rejects arguments a bench does not take (e.g. a dataset path given without its flag). */
export function noPositionalArgs(usage: string): void {
  const extra = benchArgs().positional;
  if (extra.length) usageError(`unexpected argument ${extra.join(' ')}; usage: ${usage}`);
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The last line on stdout: the headline figures as one JSON object. */
export function printHeadline(bench: string, figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench, ...figures })}\n`);
}
