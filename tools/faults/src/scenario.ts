/**
 * Runs one fault scenario end to end and sums it up as a row of the Reliability table:
 * stack up → steady stream of session posts → fault (the stream keeps going through it and after
 * recovery) → wait (bounded) until Postgres shows every session processed → count.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@frontier/platform-util';
import { SessionStream, sessionOf, type Shot } from './load';
import { REPORT_DIR, startStack, type Stack, type StackOptions } from './stack';
import { duplicates, settle, type Unsettled } from './verify';

const num = (name: string, fallback: number) => Number(process.env[name] ?? '') || fallback;
/** Session posts per second (FAULTS_RATE; a modest default for a 2-core CI machine). */
export const RATE = num('FAULTS_RATE', 20);
/** How long the suite waits after the stream for every session to be processed (FAULTS_SETTLE_S). */
export const SETTLE_MS = num('FAULTS_SETTLE_S', 150) * 1000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FaultContext {
  stack: Stack;
  stream: SessionStream;
  /** Marks the moment the fault starts (requests sent before it count as "before the fault"). */
  faultStarts(): void;
  /** A note for the report (e.g. how many sessions were waiting when Redis went). */
  note(text: string): void;
}

export interface Scenario {
  /** Short id: log dir, Redis prefix, user ids. */
  id: string;
  /** The table's "fault" cell. */
  fault: string;
  stack: StackOptions;
  rate?: number;
  /**
   * Requests sent before the fault must end with their normal 2xx (a drained shutdown). Otherwise
   * they may end with a 503, never with another 5xx or no answer.
   */
  drained?: boolean;
  /** The median latency of requests sent during the fault is asserted (an outage must be answered, not hung). */
  answersDuringFault?: boolean;
  /** Stream time before the fault. */
  beforeMs?: number;
  /** Stream time after `inject` returned (the fault is over). */
  afterMs?: number;
  inject(ctx: FaultContext): Promise<void>;
}

export interface Row {
  fault: string;
  requests: number;
  accepted: number;
  s503: number;
  other5xx: number;
  noAnswer: number;
  lost: number;
  duplicated: number;
  /** Requests sent before the fault that ended with no answer or a 5xx but 503 (any non-2xx when `drained`). */
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
  left: Unsettled[];
  statuses: Record<string, number>;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number) : 0;
};

/**
 * A few sessions posted and processed before the stream starts: the worker has loaded its models
 * and both apps have served a request, so the time before the fault is the steady state.
 */
async function warmUp(stack: Stack, label: string): Promise<void> {
  const rng = new Rng(99);
  for (let i = 0; i < 3; i++) {
    const body = sessionOf(`${label}-warmup`, i, 1, rng);
    const res = await fetch(`${stack.api.base}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.key}` }, body: JSON.stringify(body) });
    if (res.status !== 202) throw new Error(`warm-up post answered ${res.status}: ${await res.text()}`);
  }
  const { left } = await settle(stack.pg.url, stack.tenantId, [], 90_000);
  if (left.length) throw new Error(`warm-up sessions not processed within 90 s: ${JSON.stringify(left)}`);
}

export async function runScenario(s: Scenario): Promise<Row> {
  const stack = await startStack(s.id, s.stack);
  try {
    await warmUp(stack, s.id);
    const stream = new SessionStream({ base: () => stack.api.base, key: stack.key, rate: s.rate ?? RATE, label: s.id });
    let faultAt = Number.POSITIVE_INFINITY;
    const notes: string[] = [];
    stream.start();
    await sleep(s.beforeMs ?? 4_000);
    await s.inject({
      stack,
      stream,
      faultStarts: () => void (faultAt = Math.min(faultAt, stream.now())),
      note: (t) => void notes.push(t),
    });
    const faultEnd = stream.now();
    await sleep(s.afterMs ?? 6_000);
    await stream.stop();
    writeFileSync(join(stack.logDir, 'shots.json'), JSON.stringify({ faultAt, faultEnd, shots: stream.shots }));

    const shots = stream.shots;
    const ok = (x: Shot) => x.status >= 200 && x.status < 300;
    const accepted = new Map(shots.filter(ok).map((x) => [`${x.user}\u0000${x.session}`, { user: x.user, session: x.session }]));
    const { left, ms } = await settle(stack.pg.url, stack.tenantId, [...accepted.values()], SETTLE_MS);
    const dup = await duplicates(stack.pg.url, stack.tenantId);
    if (dup.examples.length) notes.push(`duplicates: ${dup.examples.join('; ')}`);
    if (left.length) notes.push(`unprocessed after ${Math.round(ms / 1000)} s: ${left.slice(0, 5).map((l) => `${l.session} (${l.status})`).join(', ')}${left.length > 5 ? ', …' : ''}`);
    const statuses: Record<string, number> = {};
    for (const x of shots) statuses[x.status ? String(x.status) : (x.error ?? 'no answer')] = (statuses[x.status ? String(x.status) : (x.error ?? 'no answer')] ?? 0) + 1;
    const answered = shots.filter((x) => x.status > 0).map((x) => x.ms);
    const back = shots.filter((x) => x.at >= faultEnd && ok(x)).reduce((m, x) => Math.min(m, x.at), Number.POSITIVE_INFINITY);
    return {
      fault: s.fault,
      requests: shots.length,
      accepted: accepted.size,
      s503: shots.filter((x) => x.status === 503).length,
      other5xx: shots.filter((x) => x.status >= 500 && x.status !== 503).length,
      noAnswer: shots.filter((x) => x.status === 0).length,
      lost: left.length,
      duplicated: dup.live + dup.rerun + dup.adds,
      failedBeforeFault: shots.filter((x) => x.at < faultAt && (s.drained ? !ok(x) : x.status === 0 || (x.status >= 500 && x.status !== 503))).length,
      faultP50ms: Math.round(pct(shots.filter((x) => x.at >= faultAt && x.at <= faultEnd).map((x) => (x.status ? x.ms : Number.POSITIVE_INFINITY)), 50)),
      s503WithoutRetryAfter: shots.filter((x) => x.status === 503 && !x.retryAfter).length,
      p99ms: Math.round(pct(answered, 99)),
      maxMs: Math.round(Math.max(0, ...answered)),
      settledS: Math.round(ms / 1000),
      backAfterS: Number.isFinite(back) ? +((back - faultEnd) / 1000).toFixed(1) : null,
      notes,
      left,
      statuses,
    };
  } finally {
    await stack.dispose();
  }
}

/** The Reliability table (markdown), as it goes into docs/benchmarks.md. */
export function table(rows: Row[]): string {
  const head = '| fault | requests | accepted (2xx) | 503s | 5xx other | no answer | lost | duplicated | p50 latency during the fault | p99 / max latency | 2xx again after | all processed after |';
  const sep = '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|';
  const body = rows.map(
    (r) =>
      `| ${r.fault} | ${r.requests} | ${r.accepted} | ${r.s503} | ${r.other5xx} | ${r.noAnswer} | ${r.lost} | ${r.duplicated} | ${r.faultP50ms} ms | ${r.p99ms} / ${r.maxMs} ms | ${r.backAfterS === null ? 'never' : `${r.backAfterS} s`} | ${r.lost ? 'never' : `${r.settledS} s`} |`,
  );
  return [head, sep, ...body].join('\n');
}

/** Writes the table, the machine and each row's details to reports/faults/reliability.md. */
export function writeReport(rows: Row[]): string {
  const cpu = cpus();
  const text = [
    `# Fault suite — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}; stream ${RATE} session posts/s.`,
    '',
    table(rows),
    '',
    ...rows.flatMap((r) => [`- **${r.fault}**: statuses ${JSON.stringify(r.statuses)}; sent before the fault and failed: ${r.failedBeforeFault}; 503 without Retry-After: ${r.s503WithoutRetryAfter}${r.notes.length ? `; ${r.notes.join('; ')}` : ''}`]),
    '',
  ].join('\n');
  const file = join(REPORT_DIR, 'reliability.md');
  writeFileSync(file, text);
  return file;
}
