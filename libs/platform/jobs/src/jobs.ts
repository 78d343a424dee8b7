/**
 * The generic job machinery every scope's contracts build on. No product's queue, job or payload
 * is declared here: each scope declares its own in `libs/<scope>/contracts` with
 * {@link defineJobCatalog}, and producers/workers take those catalogs. Pure TypeScript: no BullMQ
 * import (the options are structurally BullMQ's `JobsOptions`).
 */

/** How many finished jobs to keep: by age in seconds (and at most `count`), or by count. */
export type KeepJobs = { age: number; count?: number } | { count: number };

/**
 * Exponential backoff with a ceiling: `delay`, `2 × delay`, `4 × delay` … never more than
 * `maxDelay` between attempts. BullMQ's own `exponential` has no ceiling (its 12th wait would be
 * 2^11 × delay), so a job meant to ride out an outage of minutes either gives up in seconds or
 * waits hours; the workers compute this one with {@link backoffDelay}.
 */
export interface CappedBackoff {
  type: typeof CAPPED_EXPONENTIAL;
  /** First wait, ms. */
  delay: number;
  /** Longest wait, ms. */
  maxDelay: number;
}

/** Name of the {@link CappedBackoff} strategy (BullMQ calls a worker's custom strategy for it). */
export const CAPPED_EXPONENTIAL = 'capped-exponential';

/** BullMQ-compatible subset of job options we set. */
export interface JobOptions {
  attempts?: number;
  backoff?: { type: 'exponential' | 'fixed'; delay: number } | CappedBackoff;
  removeOnComplete?: boolean | number | KeepJobs;
  removeOnFail?: boolean | number | KeepJobs;
  delay?: number;
  priority?: number;
  jobId?: string;
}

/** Applied to every job unless its definition overrides a field. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  // keep a day (at most 1,000) of completed jobs for inspection, a week of failed ones
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const satisfies JobOptions;

/** One job: its name, its queue, its options and idempotency key; `P` is its payload type. */
export interface JobDefinition<P = unknown> {
  /** `<scope>.<verb-noun>`, unique across the workspace. */
  readonly name: string;
  readonly queue: string;
  readonly options?: JobOptions;
  /**
   * Idempotency key: enqueueing a job whose id already exists is a no-op in BullMQ, so a retried
   * request or a duplicate event does not run the work twice. Must not contain ':'.
   * (Method syntax on purpose: a definition of any payload is then a `JobDefinition<unknown>`.)
   */
  jobId?(data: P): string;
  /** Type-level only: carries `P` (never set at run time). */
  readonly __payload?: P;
}

/** Payload type of a job definition: `JobOf<typeof MemoryJobs.extractSession>`. */
export type JobOf<D> = D extends JobDefinition<infer P> ? P : never;

/** A map of a scope's jobs by key. */
export type JobMap = Record<string, JobDefinition<unknown>>;

/** Discriminated union `{ name, data }` of every job of a map (immich's `JobItem`, per scope). */
export type JobItem<J extends JobMap> = { [K in keyof J]: { name: J[K]['name']; data: JobOf<J[K]> } }[keyof J];

/** Repeating job: every worker consuming the job's queue registers it at boot (idempotent). */
export interface JobSchedule<P = unknown> {
  /** Scheduler id (stable: re-registering replaces, never duplicates). */
  id: string;
  /** Cron pattern, UTC. */
  pattern: string;
  job: JobDefinition<P>;
  data: P;
}

/** A scope's queue with every job it carries and its repeating jobs. */
export interface JobCatalog<J extends JobMap = JobMap> {
  readonly queue: string;
  readonly jobs: J;
  readonly schedules: readonly JobSchedule<unknown>[];
}

/** Job definitions of one queue: `const q = queueOf('memory'); q.job<Payload>('memory.x', {...})`. */
export function queueOf(queue: string) {
  return {
    job<P>(name: string, spec: { options?: JobOptions; jobId?: (data: P) => string } = {}): JobDefinition<P> {
      if (!/^[a-z][a-z0-9-]*\.[a-z0-9.-]+$/.test(name)) throw new Error(`job name "${name}" must look like <scope>.<verb-noun>`);
      return { name, queue, ...spec };
    },
  };
}

/** Checks that every job belongs to the queue and names are unique, then returns the catalog. */
export function defineJobCatalog<J extends JobMap>(queue: string, jobs: J, schedules: ReadonlyArray<JobSchedule<unknown>> = []): JobCatalog<J> {
  const names = new Set<string>();
  for (const [key, def] of Object.entries(jobs)) {
    if (def.queue !== queue) throw new Error(`job ${key} (${def.name}) is on queue "${def.queue}", not "${queue}"`);
    if (names.has(def.name)) throw new Error(`job name ${def.name} is declared twice in queue "${queue}"`);
    names.add(def.name);
  }
  for (const s of schedules) if (!names.has(s.job.name)) throw new Error(`schedule ${s.id} runs ${s.job.name}, which is not a job of queue "${queue}"`);
  return { queue, jobs, schedules: [...schedules] };
}

/** A schedule, typed by its job's payload. */
export function schedule<P>(id: string, pattern: string, job: JobDefinition<P>, data: P): JobSchedule<P> {
  return { id, pattern, job, data };
}

/** Job names carried by a catalog. */
export function jobNames(catalog: JobCatalog): string[] {
  return Object.values(catalog.jobs).map((d) => d.name);
}

/** Final options of one enqueue: defaults, then the job's own, then the call's. */
export function jobOptionsFor<P>(def: JobDefinition<P>, data: P, overrides: JobOptions = {}): JobOptions {
  const jobId = overrides.jobId ?? def.jobId?.(data);
  if (jobId !== undefined && (jobId.includes(':') || /^\d+$/.test(jobId))) {
    throw new Error(`jobId for ${def.name} must not contain ':' nor be an integer: ${jobId}`);
  }
  return { ...DEFAULT_JOB_OPTIONS, ...def.options, ...overrides, ...(jobId === undefined ? {} : { jobId }) };
}

/**
 * Wait before the next attempt of a job whose backoff is {@link CappedBackoff}, after
 * `attemptsMade` attempts (1 after the first failure). Other backoff types: undefined (BullMQ's
 * built-in strategies handle them).
 */
export function backoffDelay(attemptsMade: number, backoff: JobOptions['backoff'] | undefined): number | undefined {
  if (!backoff || backoff.type !== CAPPED_EXPONENTIAL) return undefined;
  const n = Math.max(1, Math.floor(attemptsMade));
  // 2^(n-1) overflows to Infinity long before n matters; the cap applies first
  return Math.min(backoff.maxDelay, backoff.delay * 2 ** Math.min(n - 1, 52));
}

/** Total wait across every retry of a job with these options (how long an outage it rides out), ms. */
export function retryWindow(o: Pick<JobOptions, 'attempts' | 'backoff'>): number {
  let total = 0;
  for (let made = 1; made < (o.attempts ?? 1); made++) {
    const b = o.backoff;
    if (!b) continue;
    total += backoffDelay(made, b) ?? (b.type === 'fixed' ? b.delay : b.delay * 2 ** (made - 1));
  }
  return total;
}

/** Short stable digest for job ids built from user-supplied ids (which may contain ':'). */
export function digest(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return `${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}
