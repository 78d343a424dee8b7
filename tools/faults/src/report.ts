/**
 * A scenario's shots and Postgres' answers summed up as a row of the Reliability table, and the
 * table as it goes into docs/benchmarks.md (also written to reports/faults/reliability.md).
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Shot } from './load';
import type { Duplicates, Unsettled } from './verify';

export interface Row {
  fault: string;
  requests: number;
  accepted: number;
  s503: number;
  other5xx: number;
  noAnswer: number;
  lost: number;
  duplicated: number;
  /** Live facts at the end (each stream user has 8 distinct facts to tell). */
  facts: number;
  /** Requests sent before the fault that ended with no answer or a 5xx but 503 (any non-2xx when drained). */
  failedBeforeFault: number;
  /** Median latency of the requests sent while the fault lasted. */
  faultP50ms: number;
  /** 503s without a Retry-After header. */
  s503WithoutRetryAfter: number;
  p99ms: number;
  maxMs: number;
  settledS: number;
  /** Seconds from the end of the fault to the first request answered 2xx (null: none was). */
  backAfterS: number | null;
  notes: string[];
  statuses: Record<string, number>;
}

export interface Observed {
  fault: string;
  shots: Shot[];
  /** Stream clock (ms) when the fault started and when it was over. */
  faultAt: number;
  faultEnd: number;
  /** Requests sent before the fault must all be 2xx (a drained shutdown). */
  drained: boolean;
  left: Unsettled[];
  settledMs: number;
  dup: Duplicates;
  notes: string[];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number) : 0;
};

export const is2xx = (x: Shot) => x.status >= 200 && x.status < 300;
const isBad5xx = (x: Shot) => x.status >= 500 && x.status !== 503;

export function summarise(o: Observed): Row {
  const { shots, faultAt, faultEnd, left, dup } = o;
  const notes = [...o.notes, `${dup.facts} live facts, at most ${dup.mostOfOneUser} for one user`];
  if (dup.examples.length) notes.push(`duplicates: ${dup.examples.join('; ')}`);
  if (left.length) notes.push(`unprocessed after ${Math.round(o.settledMs / 1000)} s: ${left.slice(0, 5).map((l) => `${l.session} (${l.status})`).join(', ')}${left.length > 5 ? ', …' : ''}`);
  const statuses: Record<string, number> = {};
  for (const x of shots) {
    const k = x.status ? String(x.status) : (x.error ?? 'no answer');
    statuses[k] = (statuses[k] ?? 0) + 1;
  }
  const answered = shots.filter((x) => x.status > 0).map((x) => x.ms);
  const back = shots.filter((x) => x.at >= faultEnd && is2xx(x)).reduce((m, x) => Math.min(m, x.at), Number.POSITIVE_INFINITY);
  return {
    fault: o.fault,
    requests: shots.length,
    accepted: new Set(shots.filter(is2xx).map((x) => x.session)).size,
    s503: shots.filter((x) => x.status === 503).length,
    other5xx: shots.filter(isBad5xx).length,
    noAnswer: shots.filter((x) => x.status === 0).length,
    lost: left.length,
    duplicated: dup.live + dup.rerun + dup.adds,
    facts: dup.facts,
    failedBeforeFault: shots.filter((x) => x.at < faultAt && (o.drained ? !is2xx(x) : x.status === 0 || isBad5xx(x))).length,
    faultP50ms: Math.round(pct(shots.filter((x) => x.at >= faultAt && x.at <= faultEnd).map((x) => (x.status ? x.ms : Number.POSITIVE_INFINITY)), 50)),
    s503WithoutRetryAfter: shots.filter((x) => x.status === 503 && !x.retryAfter).length,
    p99ms: Math.round(pct(answered, 99)),
    maxMs: Math.round(Math.max(0, ...answered)),
    settledS: Math.round(o.settledMs / 1000),
    backAfterS: Number.isFinite(back) ? +((back - faultEnd) / 1000).toFixed(1) : null,
    notes,
    statuses,
  };
}

/** The Reliability table (markdown), as it goes into docs/benchmarks.md. */
export function table(rows: Row[]): string {
  const head = '| fault | requests | accepted (2xx) | 503s | 5xx other | no answer | lost | duplicated | p50 latency during the fault | p99 / max latency | 2xx again after | all processed after |';
  const sep = '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|';
  const body = rows.map(
    (r) =>
      `| ${r.fault} | ${r.requests} | ${r.accepted} | ${r.s503} | ${r.other5xx} | ${r.noAnswer} | ${r.lost} | ${r.duplicated} | ${Number.isFinite(r.faultP50ms) ? `${r.faultP50ms} ms` : 'no answer'} | ${r.p99ms} / ${r.maxMs} ms | ${r.backAfterS === null ? 'never' : `${r.backAfterS} s`} | ${r.lost ? 'never' : `${r.settledS} s`} |`,
  );
  return [head, sep, ...body].join('\n');
}

/** Writes the table, the machine and each row's details to `<dir>/reliability.md`. */
export function writeReport(dir: string, rows: Row[], rate: number): string {
  const cpu = cpus();
  const text = [
    `# Fault suite — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}; stream ${rate} session posts/s.`,
    '',
    table(rows),
    '',
    ...rows.map((r) => `- **${r.fault}**: statuses ${JSON.stringify(r.statuses)}; sent before the fault and failed: ${r.failedBeforeFault}; 503 without Retry-After: ${r.s503WithoutRetryAfter}; ${r.notes.join('; ')}`),
    '',
  ].join('\n');
  const file = join(dir, 'reliability.md');
  writeFileSync(file, text);
  return file;
}
