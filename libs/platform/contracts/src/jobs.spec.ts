import { DEFAULT_JOB_OPTIONS, jobNames, jobOptionsFor } from '@frontier/platform-jobs';
import { PLATFORM_JOBS, PlatformJobs } from './jobs';

describe('platform job contracts', () => {
  it('the platform queue carries key usage and ping', () => {
    expect(PLATFORM_JOBS.queue).toBe('platform');
    expect(jobNames(PLATFORM_JOBS).sort()).toEqual(['platform.api-key-used', 'platform.ping']);
  });

  it('ping is tried once', () => {
    expect(jobOptionsFor(PlatformJobs.ping, { message: 'hi', sentAt: '2026-11-24T00:00:00Z' })).toEqual({ ...DEFAULT_JOB_OPTIONS, attempts: 1 });
  });

  it('key usage is recorded at most once per key per minute', () => {
    const a = jobOptionsFor(PlatformJobs.apiKeyUsed, { keyId: 'k1', usedAt: '2026-11-24T10:15:59.999Z' });
    const b = jobOptionsFor(PlatformJobs.apiKeyUsed, { keyId: 'k1', usedAt: '2026-11-24T10:15:01.000Z' });
    const c = jobOptionsFor(PlatformJobs.apiKeyUsed, { keyId: 'k1', usedAt: '2026-11-24T10:16:00.000Z' });
    expect(a.jobId).toBe('api-key-used.k1.20261124T1015');
    expect(b.jobId).toBe(a.jobId);
    expect(c.jobId).not.toBe(a.jobId);
  });
});
