import { CAPPED_EXPONENTIAL, defineJobCatalog, digest, queueOf, schedule, type JobOptions } from '@frontier/platform-jobs';

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

export interface MemoryReconcileSessionsPayload {
  /** Re-queue sessions left unprocessed longer than this many seconds (default: the worker's setting). */
  olderThanS?: number;
}

export interface MemoryErasePayload {
  /** Row id of the erasure record (memory_erasures.id): everything to remove is read from it. */
  erasureId: string;
}

/** Daily: sync change-log rows older than the retention go (devices behind them resync). */
export interface MemoryCompactSyncPayload {
  /** Default: the worker's `MEMORY_SYNC_RETENTION_DAYS`. */
  retentionDays?: number;
}

export interface MemoryReconcileErasuresPayload {
  /** Re-queue erasures still pending longer than this many seconds (default 60). */
  olderThanS?: number;
}

const q = queueOf(MEMORY_QUEUE);

/**
 * Retries that ride out an outage of minutes: waits of 2, 4, 8, 16, 32 s, then a minute each,
 * 20 attempts in all (about 15 minutes). Past that the reconciler queues the session again.
 */
export const MEMORY_RETRY: JobOptions = { attempts: 20, backoff: { type: CAPPED_EXPONENTIAL, delay: 2_000, maxDelay: 60_000 } };

export const MemoryJobs = {
  /** A stored session ended: significance → extraction → dedup → store → index. */
  extractSession: q.job<MemoryExtractSessionPayload>('memory.extract-session', {
    options: MEMORY_RETRY,
    // one extraction per stored session, however often it is posted (a failed one is replaced: JobQueue.requeue)
    jobId: (d) => `memory-extract.${d.sessionId}`,
  }),
  /** Rebuild a user's biography from live facts (debounced per user). */
  rebuildBiography: q.job<MemoryRebuildBiographyPayload>('memory.rebuild-biography', {
    // debounce: while one rebuild waits (30 s), more fact changes add nothing; freed on completion
    options: { ...MEMORY_RETRY, delay: 30_000, removeOnComplete: true },
    jobId: (d) => `memory-bio.${digest(`${d.tenantId}\u0000${d.userId}`)}`,
  }),
  /** Monthly: queue a biography rebuild for every user whose biography is missing, stale or old. */
  biographySweep: q.job<MemoryBiographySweepPayload>('memory.biography-sweep', { options: { attempts: 3 } }),
  /**
   * Every minute and at worker start: Postgres is the truth, the queue is derived. Every session
   * still received/processing after a while whose job is gone (Redis lost it) or spent (failed,
   * completed) is queued again. One try: the next minute's run is the retry.
   */
  reconcileSessions: q.job<MemoryReconcileSessionsPayload>('memory.reconcile-sessions', { options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } }),
  /**
   * The hard delete of one erasure request (soft-deleted already): index, Redis exports, Postgres
   * rows, the biography, the user's key. Idempotent; retried through outages, re-queued by the
   * erasure reconciler when lost.
   */
  erase: q.job<MemoryErasePayload>('memory.erase', {
    options: { ...MEMORY_RETRY, removeOnComplete: { count: 1000 } },
    jobId: (d) => `memory-erase.${d.erasureId}`,
  }),
  /** Every minute and at worker start: erasures still pending after a while get their job again. */
  reconcileErasures: q.job<MemoryReconcileErasuresPayload>('memory.reconcile-erasures', { options: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } }),
  /** Daily: cross-device sync's change log keeps `retentionDays`; a device whose vector is older resyncs (a snapshot). */
  compactSync: q.job<MemoryCompactSyncPayload>('memory.compact-sync', { options: { attempts: 3, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } }),
};

export const MEMORY_JOBS = defineJobCatalog(MEMORY_QUEUE, MemoryJobs, [
  // the design's monthly biography refresh for active users (03:00 UTC on the 1st)
  schedule('memory-biography-monthly', '0 3 1 * *', MemoryJobs.biographySweep, { olderThanDays: 30 }),
  schedule('memory-reconcile-sessions', '* * * * *', MemoryJobs.reconcileSessions, {}),
  schedule('memory-reconcile-erasures', '* * * * *', MemoryJobs.reconcileErasures, {}),
  schedule('memory-sync-compact-daily', '30 4 * * *', MemoryJobs.compactSync, {}),
]);
