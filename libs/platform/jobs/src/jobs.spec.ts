import { DEFAULT_JOB_OPTIONS, JOBS, JobName, QueueName, SCHEDULES, jobOptionsFor, jobsOfQueue } from './jobs';

describe('job contracts', () => {
  it('every job belongs to a declared queue', () => {
    const queues = new Set(Object.values(QueueName));
    for (const name of Object.values(JobName)) expect(queues.has(JOBS[name].queue)).toBe(true);
    expect(jobsOfQueue(QueueName.Platform).sort()).toEqual([JobName.ApiKeyUsed, JobName.Ping].sort());
    expect(jobsOfQueue(QueueName.Memory).sort()).toEqual([JobName.MemoryBiographySweep, JobName.MemoryExtractSession, JobName.MemoryRebuildBiography].sort());
    for (const s of SCHEDULES) expect(Object.values(JobName)).toContain(s.name);
  });

  it('merges defaults, job options and call overrides in that order', () => {
    const opts = jobOptionsFor(JobName.Ping, { message: 'hi', sentAt: '2026-11-24T00:00:00Z' }, { priority: 3 });
    expect(opts).toEqual({ ...DEFAULT_JOB_OPTIONS, attempts: 1, priority: 3 });
    expect(opts.backoff).toEqual({ type: 'exponential', delay: 1000 });
  });

  it('derives a stable idempotency key from the payload', () => {
    const a = jobOptionsFor(JobName.ApiKeyUsed, { keyId: 'k1', usedAt: '2026-11-24T10:15:59.999Z' });
    const b = jobOptionsFor(JobName.ApiKeyUsed, { keyId: 'k1', usedAt: '2026-11-24T10:15:01.000Z' });
    const c = jobOptionsFor(JobName.ApiKeyUsed, { keyId: 'k1', usedAt: '2026-11-24T10:16:00.000Z' });
    expect(a.jobId).toBe('api-key-used.k1.20261124T1015');
    expect(b.jobId).toBe(a.jobId);
    expect(c.jobId).not.toBe(a.jobId);
  });

  it('memory jobs: one extraction per session, biography rebuilds debounced per user', () => {
    expect(jobOptionsFor(JobName.MemoryExtractSession, { tenantId: 't', userId: 'u:1', sessionId: 's1' }).jobId).toBe('memory-extract.s1');
    const a = jobOptionsFor(JobName.MemoryRebuildBiography, { tenantId: 't', userId: 'user:42' });
    expect(a.jobId).toMatch(/^memory-bio\.[0-9a-f]{16}$/);
    expect(jobOptionsFor(JobName.MemoryRebuildBiography, { tenantId: 't', userId: 'user:43' }).jobId).not.toBe(a.jobId);
    expect(a).toMatchObject({ delay: 30_000, removeOnComplete: true, attempts: 5 });
  });

  it('rejects job ids BullMQ would refuse', () => {
    expect(() => jobOptionsFor(JobName.Ping, { message: 'x', sentAt: 'y' }, { jobId: 'a:b' })).toThrow(/must not contain ':'/);
    expect(() => jobOptionsFor(JobName.Ping, { message: 'x', sentAt: 'y' }, { jobId: '42' })).toThrow(/integer/);
  });
});
