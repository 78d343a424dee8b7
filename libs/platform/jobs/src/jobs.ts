/**
 * The one place where Frontier's queues, jobs, payloads and job options are declared.
 * Producers and workers import these names; nothing else spells a queue or job name.
 * Pure TypeScript: no BullMQ import (the options are structurally BullMQ's `JobsOptions`).
 */

export enum QueueName {
  Platform = 'platform',
  Memory = 'memory',
}

export enum JobName {
  /** An API key authenticated a request: record `lastUsedAt` off the request path. */
  ApiKeyUsed = 'platform.api-key-used',
  /** Round trip through the queue, used by the demo and readiness checks of workers. */
  Ping = 'platform.ping',
  /** A stored session ended: significance → extraction → dedup → store → index. */
  MemoryExtractSession = 'memory.extract-session',
  /** Rebuild a user's biography from live facts (debounced per user). */
  MemoryRebuildBiography = 'memory.rebuild-biography',
  /** Monthly: queue a biography rebuild for every user whose biography is missing, stale or old. */
  MemoryBiographySweep = 'memory.biography-sweep',
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

export interface MemoryExtractSessionPayload {
  tenantId: string;
  userId: string;
  /** Row id of the stored session (memory_sessions.id). */
  sessionId: string;
}

export interface MemoryRebuildBiographyPayload {
  tenantId: string;
  userId: string;
  force?: boolean;
}

export interface MemoryBiographySweepPayload {
  /** Rebuild biographies built longer ago than this many days (default 30). */
  olderThanDays?: number;
}

/** Discriminated union of every job: `name` selects the payload type. */
export type JobItem =
  | { name: JobName.ApiKeyUsed; data: ApiKeyUsedPayload }
  | { name: JobName.Ping; data: PingPayload }
  | { name: JobName.MemoryExtractSession; data: MemoryExtractSessionPayload }
  | { name: JobName.MemoryRebuildBiography; data: MemoryRebuildBiographyPayload }
  | { name: JobName.MemoryBiographySweep; data: MemoryBiographySweepPayload };

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
  [JobName.MemoryExtractSession]: {
    queue: QueueName.Memory,
    // one extraction per stored session, however often it is posted
    jobId: (d) => `memory-extract.${d.sessionId}`,
  },
  [JobName.MemoryRebuildBiography]: {
    queue: QueueName.Memory,
    // debounce: while one rebuild waits (30 s), more fact changes add nothing; freed on completion
    options: { delay: 30_000, removeOnComplete: true },
    jobId: (d) => `memory-bio.${digest(`${d.tenantId}\u0000${d.userId}`)}`,
  },
  [JobName.MemoryBiographySweep]: { queue: QueueName.Memory, options: { attempts: 3 } },
};

/** Repeating jobs: every worker consuming the job's queue registers these at boot (idempotent). */
export interface JobSchedule<N extends JobName = JobName> {
  /** Scheduler id (stable: re-registering replaces, never duplicates). */
  id: string;
  /** Cron pattern, UTC. */
  pattern: string;
  name: N;
  data: JobOf<N>;
}

export const SCHEDULES: JobSchedule[] = [
  // the design's monthly biography refresh for active users (03:00 UTC on the 1st)
  { id: 'memory-biography-monthly', pattern: '0 3 1 * *', name: JobName.MemoryBiographySweep, data: { olderThanDays: 30 } },
];

/** Short stable digest for job ids built from user-supplied ids (which may contain ':'). */
function digest(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return `${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

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
