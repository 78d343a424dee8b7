import 'reflect-metadata';
import type { JobName, QueueName } from '@frontier/platform-jobs';
import { jobsOfQueue } from '@frontier/platform-jobs';

const JOB_HANDLER = Symbol.for('frontier:job-handler');

/** Marks a provider method as the handler of job `name`: `@OnJob(JobName.X) async handle(data) {}`. */
export function OnJob(name: JobName): MethodDecorator {
  return (target, key) => {
    Reflect.defineMetadata(JOB_HANDLER, name, target, key);
  };
}

export function jobHandledBy(prototype: object, method: string | symbol): JobName | undefined {
  return Reflect.getMetadata(JOB_HANDLER, prototype, method) as JobName | undefined;
}

/** A discovered handler: where it lives and how to call it. */
export interface FoundHandler {
  job: JobName;
  /** `ClassName.method`, for error messages. */
  where: string;
  call: (data: unknown, job: { id?: string; attemptsMade: number }) => Promise<unknown>;
}

/** The worker's configuration is wrong: it must not start. */
export class JobHandlerConfigError extends Error {
  override name = 'JobHandlerConfigError';
  constructor(
    readonly missing: JobName[],
    readonly duplicated: Record<string, string[]>,
    readonly foreign: string[],
  ) {
    const parts: string[] = [];
    if (missing.length) parts.push(`no handler for ${missing.join(', ')}`);
    for (const [job, where] of Object.entries(duplicated)) parts.push(`${job} has ${where.length} handlers (${where.join(', ')})`);
    if (foreign.length) parts.push(`handlers for jobs of queues this worker does not consume: ${foreign.join(', ')}`);
    super(`worker refuses to boot: ${parts.join('; ')}`);
  }
}

/**
 * Checks that every job of the consumed queues has exactly one handler (and that no handler is
 * for a job this worker will never receive), and returns the routing table.
 */
export function planHandlers(queues: QueueName[], found: FoundHandler[]): Map<JobName, FoundHandler> {
  const required = new Set(queues.flatMap((q) => jobsOfQueue(q)));
  const byJob = new Map<JobName, FoundHandler[]>();
  for (const h of found) byJob.set(h.job, [...(byJob.get(h.job) ?? []), h]);
  const missing = [...required].filter((j) => !byJob.has(j)).sort();
  const duplicated: Record<string, string[]> = {};
  for (const [job, hs] of byJob) if (hs.length > 1) duplicated[job] = hs.map((h) => h.where);
  const foreign = [...byJob.keys()].filter((j) => !required.has(j)).map((j) => `${j} (${byJob.get(j)?.map((h) => h.where).join(', ')})`);
  if (missing.length || Object.keys(duplicated).length || foreign.length) throw new JobHandlerConfigError(missing, duplicated, foreign);
  return new Map([...byJob].map(([job, hs]) => [job, hs[0] as FoundHandler]));
}
