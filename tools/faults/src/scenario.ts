/**
 * Runs one fault scenario on the suite's stack: a tenant of its own → steady stream of session
 * posts → fault (the stream keeps going through it and after recovery) → wait (bounded) until
 * Postgres shows every session processed → a row of the Reliability table.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@frontier/platform-util';
import { SessionStream, sessionOf } from './load';
import { is2xx, summarise, type Row } from './report';
import type { Stack, Tenant } from './stack';
import { duplicates, settle } from './verify';

const num = (name: string, fallback: number) => Number(process.env[name] ?? '') || fallback;
/** Session posts per second (FAULTS_RATE; a modest default for a 2-core CI machine). */
export const RATE = num('FAULTS_RATE', 10);
/** How long the suite waits after the stream for every session to be processed (FAULTS_SETTLE_S). */
export const SETTLE_MS = num('FAULTS_SETTLE_S', 150) * 1000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FaultContext {
  stack: Stack;
  tenant: Tenant;
  stream: SessionStream;
  /** Marks the moment the fault starts (requests sent before it count as "before the fault"). */
  faultStarts(): void;
  /** A note for the report (e.g. how many sessions were waiting when Redis went). */
  note(text: string): void;
}

export interface Scenario {
  /** Short id: tenant, user and session ids, shots file. */
  id: string;
  /** The table's "fault" cell. */
  fault: string;
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

/**
 * A few sessions posted and processed before any stream: the worker has loaded its models and
 * both apps have served requests, so the time before the first fault is the steady state.
 */
export async function warmUp(stack: Stack): Promise<void> {
  const tenant = await stack.tenant('warmup');
  const rng = new Rng(99);
  for (let i = 0; i < 3; i++) {
    const body = sessionOf('warmup', i, 1, rng);
    const res = await fetch(`${stack.api.base}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.key}` }, body: JSON.stringify(body) });
    if (res.status !== 202) throw new Error(`warm-up post answered ${res.status}: ${await res.text()}`);
  }
  const { left } = await settle(stack.pg.url, tenant.tenantId, [], 90_000);
  if (left.length) throw new Error(`warm-up sessions not processed within 90 s: ${JSON.stringify(left)}`);
}

export async function runScenario(stack: Stack, s: Scenario): Promise<Row> {
  await stack.ready();
  const tenant = await stack.tenant(s.id);
  const stream = new SessionStream({ base: () => stack.api.base, key: tenant.key, rate: s.rate ?? RATE, label: s.id });
  let faultAt = Number.POSITIVE_INFINITY;
  let faultEnd = Number.POSITIVE_INFINITY;
  const notes: string[] = [];
  stream.start();
  try {
    await sleep(s.beforeMs ?? 4_000);
    await s.inject({ stack, tenant, stream, faultStarts: () => void (faultAt = Math.min(faultAt, stream.now())), note: (t) => void notes.push(t) });
  } finally {
    // a fault that threw still lets the stream end (no request left running into the next scenario)
    faultEnd = stream.now();
    await sleep(s.afterMs ?? 6_000);
    await stream.stop();
    writeFileSync(join(stack.logDir, `${s.id}.shots.json`), JSON.stringify({ faultAt, faultEnd, shots: stream.shots }));
  }
  const shots = stream.shots;
  const accepted = new Map(shots.filter(is2xx).map((x) => [x.session, { user: x.user, session: x.session }]));
  const { left, ms } = await settle(stack.pg.url, tenant.tenantId, [...accepted.values()], SETTLE_MS);
  const dup = await duplicates(stack.pg.url, tenant.tenantId);
  return summarise({ fault: s.fault, shots, faultAt, faultEnd, drained: s.drained ?? false, left, settledMs: ms, dup, notes });
}
