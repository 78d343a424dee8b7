/**
 * The one place where Frontier's queues, jobs, payloads and job options are declared.
 * Producers and workers import these names; nothing else spells a queue or job name.
 * Pure TypeScript: no BullMQ import (the options are structurally BullMQ's `JobsOptions`).
 */

export enum QueueName {
  Platform = 'platform',
}

export enum JobName {
  /** An API key authenticated a request: record `lastUsedAt` off the request path. */
  ApiKeyUsed = 'platform.api-key-used',
  /** Round trip through the queue, used by the demo and readiness checks of workers. */
  Ping = 'platform.ping',
}

export interface ApiKeyUsedPayload {
  keyId: string;
  /** ISO-8601 time of use. */
  usedAt: string;
}

export interface PingPayload {
  message: string;
  sentAt: string;
}

/** Discriminated union of every job: `name` selects the payload type. */
export type JobItem =
  | { name: JobName.ApiKeyUsed; data: ApiKeyUsedPayload }
  | { name: JobName.Ping; data: PingPayload };

/** Payload type of job `N`. */
export type JobOf<N extends JobName> = Extract<JobItem, { name: N }>['data'];

/** How many finished jobs to keep: by age in seconds (and at most `count`), or by count. */
export type KeepJobs = { age: number; count?: number } | { count: number };

/** BullMQ-compatible subset of job options we set. */
export interface JobOptions {
  attempts?: number;
  backoff?: { type: 'exponential' | 'fixed'; delay: number };
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

export interface JobDefinition<N extends JobName> {
  queue: QueueName;
  options?: JobOptions;
  /**
   * Idempotency key: enqueueing a job whose id already exists is a no-op in BullMQ, so a retried
   * request or a duplicate event does not run the work twice. Must not contain ':'.
   */
  jobId?: (data: JobOf<N>) => string;
}

/** Every job's queue, options and idempotency key. A job missing here fails to compile. */
export const JOBS: { [N in JobName]: JobDefinition<N> } = {
  [JobName.ApiKeyUsed]: {
    queue: QueueName.Platform,
    options: { attempts: 3, removeOnComplete: { age: 3600, count: 100 } },
    // at most one bookkeeping write per key per minute
    jobId: (d) => `api-key-used.${d.keyId}.${d.usedAt.slice(0, 16).replace(/[^0-9T]/g, '')}`,
  },
  [JobName.Ping]: { queue: QueueName.Platform, options: { attempts: 1 } },
};

/** Job names carried by `queue`. */
export function jobsOfQueue(queue: QueueName): JobName[] {
  return (Object.keys(JOBS) as JobName[]).filter((n) => JOBS[n].queue === queue);
}

/** Final options of one enqueue: defaults, then the job's own, then the call's. */
export function jobOptionsFor<N extends JobName>(name: N, data: JobOf<N>, overrides: JobOptions = {}): JobOptions {
  const def = JOBS[name] as JobDefinition<N>;
  const jobId = overrides.jobId ?? def.jobId?.(data);
  if (jobId !== undefined && (jobId.includes(':') || /^\d+$/.test(jobId))) {
    throw new Error(`jobId for ${name} must not contain ':' nor be an integer: ${jobId}`);
  }
  return { ...DEFAULT_JOB_OPTIONS, ...def.options, ...overrides, ...(jobId === undefined ? {} : { jobId }) };
}
