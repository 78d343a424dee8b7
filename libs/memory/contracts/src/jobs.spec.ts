import { jobNames, jobOptionsFor, retryWindow } from '@frontier/platform-jobs';
import { MEMORY_JOBS, MemoryJobs } from './jobs';

describe('memory job contracts', () => {
  it('the memory queue carries extraction, biography rebuilds, the monthly sweep and erasures', () => {
    expect(MEMORY_JOBS.queue).toBe('memory');
    expect(jobNames(MEMORY_JOBS).sort()).toEqual(['memory.biography-sweep', 'memory.compact-sync', 'memory.erase', 'memory.extract-session', 'memory.rebuild-biography', 'memory.reconcile-erasures', 'memory.reconcile-sessions']);
    expect(MEMORY_JOBS.schedules.map((s) => [s.id, s.pattern, s.job.name])).toEqual([
      ['memory-biography-monthly', '0 3 1 * *', 'memory.biography-sweep'],
      ['memory-reconcile-sessions', '* * * * *', 'memory.reconcile-sessions'],
      ['memory-reconcile-erasures', '* * * * *', 'memory.reconcile-erasures'],
      ['memory-sync-compact-daily', '30 4 * * *', 'memory.compact-sync'],
    ]);
  });

  it('one hard-delete job per erasure, retried through outages', () => {
    const o = jobOptionsFor(MemoryJobs.erase, { erasureId: 'e1' });
    expect(o.jobId).toBe('memory-erase.e1');
    expect(retryWindow(o)).toBe(902_000);
  });

  it('one extraction per session, biography rebuilds debounced per user', () => {
    expect(jobOptionsFor(MemoryJobs.extractSession, { tenantId: 't', userId: 'u:1', sessionId: 's1' }).jobId).toBe('memory-extract.s1');
    const a = jobOptionsFor(MemoryJobs.rebuildBiography, { tenantId: 't', userId: 'user:42' });
    expect(a.jobId).toMatch(/^memory-bio\.[0-9a-f]{16}$/);
    expect(jobOptionsFor(MemoryJobs.rebuildBiography, { tenantId: 't', userId: 'user:43' }).jobId).not.toBe(a.jobId);
    expect(a).toMatchObject({ delay: 30_000, removeOnComplete: true, attempts: 20 });
  });

  it('extraction and biography retries ride out an outage of minutes, a minute apart at most', () => {
    const extract = jobOptionsFor(MemoryJobs.extractSession, { tenantId: 't', userId: 'u', sessionId: 's' });
    const rebuild = jobOptionsFor(MemoryJobs.rebuildBiography, { tenantId: 't', userId: 'u' });
    for (const o of [extract, rebuild]) {
      expect(o).toMatchObject({ attempts: 20, backoff: { type: 'capped-exponential', delay: 2_000, maxDelay: 60_000 } });
      // 2 + 4 + 8 + 16 + 32 s, then 14 waits of 60 s: 902 s, 15 minutes (the 16 s outage of issue 10 spent all 5 attempts)
      expect(retryWindow(o)).toBe(902_000);
    }
  });
});
