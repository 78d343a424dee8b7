import 'reflect-metadata';
import { jobNames, type JobCatalog, type JobDefinition } from '@frontier/platform-jobs';

const JOB_HANDLER = Symbol.for('frontier:job-handler');

/** Marks a provider method as the handler of a job: `@OnJob(MemoryJobs.extractSession) async handle(data) {}`. */
export function OnJob<P>(job: JobDefinition<P>): MethodDecorator {
  return (target, key) => {
    Reflect.defineMetadata(JOB_HANDLER, job.name, target, key);
  };
}

export function jobHandledBy(prototype: object, method: string | symbol): string | undefined {
  return Reflect.getMetadata(JOB_HANDLER, prototype, method) as string | undefined;
}

/** A discovered handler: where it lives and how to call it. */
export interface FoundHandler {
  job: string;
  /** `ClassName.method`, for error messages. */
  where: string;
  call: (data: unknown, job: { id?: string; attemptsMade: number }) => Promise<unknown>;
}

/** The worker's configuration is wrong: it must not start. */
export class JobHandlerConfigError extends Error {
  override name = 'JobHandlerConfigError';
  constructor(
    readonly missing: string[],
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
export function planHandlers(catalogs: readonly JobCatalog[], found: FoundHandler[]): Map<string, FoundHandler> {
  const required = new Set(catalogs.flatMap((c) => jobNames(c)));
  const byJob = new Map<string, FoundHandler[]>();
  for (const h of found) byJob.set(h.job, [...(byJob.get(h.job) ?? []), h]);
  const missing = [...required].filter((j) => !byJob.has(j)).sort();
  const duplicated: Record<string, string[]> = {};
  for (const [job, hs] of byJob) if (hs.length > 1) duplicated[job] = hs.map((h) => h.where);
  const foreign = [...byJob.keys()].filter((j) => !required.has(j)).map((j) => `${j} (${byJob.get(j)?.map((h) => h.where).join(', ')})`);
  if (missing.length || Object.keys(duplicated).length || foreign.length) throw new JobHandlerConfigError(missing, duplicated, foreign);
  return new Map([...byJob].map(([job, hs]) => [job, hs[0] as FoundHandler]));
}
