import { defineJobCatalog, digest, queueOf, schedule } from '@frontier/platform-jobs';

/** Memory's queue, consumed by memory-worker. */
export const MEMORY_QUEUE = 'memory';

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

const q = queueOf(MEMORY_QUEUE);

export const MemoryJobs = {
  /** A stored session ended: significance → extraction → dedup → store → index. */
  extractSession: q.job<MemoryExtractSessionPayload>('memory.extract-session', {
    // one extraction per stored session, however often it is posted
    jobId: (d) => `memory-extract.${d.sessionId}`,
  }),
  /** Rebuild a user's biography from live facts (debounced per user). */
  rebuildBiography: q.job<MemoryRebuildBiographyPayload>('memory.rebuild-biography', {
    // debounce: while one rebuild waits (30 s), more fact changes add nothing; freed on completion
    options: { delay: 30_000, removeOnComplete: true },
    jobId: (d) => `memory-bio.${digest(`${d.tenantId}\u0000${d.userId}`)}`,
  }),
  /** Monthly: queue a biography rebuild for every user whose biography is missing, stale or old. */
  biographySweep: q.job<MemoryBiographySweepPayload>('memory.biography-sweep', { options: { attempts: 3 } }),
};

export const MEMORY_JOBS = defineJobCatalog(MEMORY_QUEUE, MemoryJobs, [
  // the design's monthly biography refresh for active users (03:00 UTC on the 1st)
  schedule('memory-biography-monthly', '0 3 1 * *', MemoryJobs.biographySweep, { olderThanDays: 30 }),
]);
