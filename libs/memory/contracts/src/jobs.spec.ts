import { jobNames, jobOptionsFor } from '@frontier/platform-jobs';
import { MEMORY_JOBS, MemoryJobs } from './jobs';

describe('memory job contracts', () => {
  it('the memory queue carries extraction, biography rebuilds and the monthly sweep', () => {
    expect(MEMORY_JOBS.queue).toBe('memory');
    expect(jobNames(MEMORY_JOBS).sort()).toEqual(['memory.biography-sweep', 'memory.extract-session', 'memory.rebuild-biography']);
    expect(MEMORY_JOBS.schedules.map((s) => [s.id, s.pattern, s.job.name])).toEqual([['memory-biography-monthly', '0 3 1 * *', 'memory.biography-sweep']]);
  });

  it('one extraction per session, biography rebuilds debounced per user', () => {
    expect(jobOptionsFor(MemoryJobs.extractSession, { tenantId: 't', userId: 'u:1', sessionId: 's1' }).jobId).toBe('memory-extract.s1');
    const a = jobOptionsFor(MemoryJobs.rebuildBiography, { tenantId: 't', userId: 'user:42' });
    expect(a.jobId).toMatch(/^memory-bio\.[0-9a-f]{16}$/);
    expect(jobOptionsFor(MemoryJobs.rebuildBiography, { tenantId: 't', userId: 'user:43' }).jobId).not.toBe(a.jobId);
    expect(a).toMatchObject({ delay: 30_000, removeOnComplete: true, attempts: 5 });
  });
});
