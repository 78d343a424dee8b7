import { backoffDelay, CAPPED_EXPONENTIAL, DEFAULT_JOB_OPTIONS, defineJobCatalog, digest, jobNames, jobOptionsFor, queueOf, retryWindow, schedule, type JobItem, type JobOf } from './jobs';

interface Hello {
  who: string;
  at: string;
}

const q = queueOf('demo');
const DemoJobs = {
  hello: q.job<Hello>('demo.hello', { options: { attempts: 1 }, jobId: (d) => `hello.${d.who}.${d.at.slice(0, 10)}` }),
  sweep: q.job<{ olderThanDays?: number }>('demo.sweep'),
};

describe('generic job machinery', () => {
  it('a catalog holds one queue, its jobs and its schedules', () => {
    const c = defineJobCatalog('demo', DemoJobs, [schedule('demo-nightly', '0 3 * * *', DemoJobs.sweep, { olderThanDays: 7 })]);
    expect(c.queue).toBe('demo');
    expect(jobNames(c).sort()).toEqual(['demo.hello', 'demo.sweep']);
    expect(c.schedules.map((s) => [s.id, s.job.name, s.data])).toEqual([['demo-nightly', 'demo.sweep', { olderThanDays: 7 }]]);
  });

  it('refuses a job of another queue, a name declared twice, a schedule of a foreign job, a badly formed name', () => {
    const other = queueOf('other').job<Hello>('other.hello');
    expect(() => defineJobCatalog('demo', { ...DemoJobs, other })).toThrow(/on queue "other", not "demo"/);
    expect(() => defineJobCatalog('demo', { ...DemoJobs, again: q.job<Hello>('demo.hello') })).toThrow(/declared twice/);
    expect(() => defineJobCatalog('demo', DemoJobs, [schedule('x', '* * * * *', other, { who: 'a', at: 'b' })])).toThrow(/not a job of queue "demo"/);
    expect(() => q.job('Hello')).toThrow(/<scope>.<verb-noun>/);
  });

  it('merges defaults, job options and call overrides in that order', () => {
    const opts = jobOptionsFor(DemoJobs.hello, { who: 'a', at: '2026-11-24T00:00:00Z' }, { priority: 3 });
    expect(opts).toEqual({ ...DEFAULT_JOB_OPTIONS, attempts: 1, priority: 3, jobId: 'hello.a.2026-11-24' });
    expect(jobOptionsFor(DemoJobs.sweep, {})).toEqual({ ...DEFAULT_JOB_OPTIONS });
    expect(jobOptionsFor(DemoJobs.hello, { who: 'a', at: '2026-11-24' }, { jobId: 'mine' }).jobId).toBe('mine');
  });

  it('rejects job ids BullMQ would refuse', () => {
    expect(() => jobOptionsFor(DemoJobs.sweep, {}, { jobId: 'a:b' })).toThrow(/must not contain ':'/);
    expect(() => jobOptionsFor(DemoJobs.sweep, {}, { jobId: '42' })).toThrow(/integer/);
  });

  it('capped exponential backoff doubles up to its ceiling; the retry window adds up every wait', () => {
    const capped = { type: CAPPED_EXPONENTIAL, delay: 2_000, maxDelay: 60_000 } as const;
    expect([1, 2, 3, 4, 5, 6, 7, 20, 5_000].map((n) => backoffDelay(n, capped))).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
    expect(backoffDelay(3, { type: 'exponential', delay: 1_000 })).toBeUndefined();
    expect(backoffDelay(3, undefined)).toBeUndefined();
    // 2 + 4 + 8 + 16 + 32 s, then 60 s for each of the 14 waits left (20 attempts, 19 waits)
    expect(retryWindow({ attempts: 20, backoff: capped })).toBe(62_000 + 14 * 60_000);
    // BullMQ's uncapped exponential of the defaults: 1 + 2 + 4 + 8 s (an outage of 15 s spends them all)
    expect(retryWindow(DEFAULT_JOB_OPTIONS)).toBe(15_000);
    expect(retryWindow({ attempts: 3, backoff: { type: 'fixed', delay: 500 } })).toBe(1_000);
  });

  it('digest is stable, short and separates near inputs', () => {
    expect(digest('t\u0000user:42')).toMatch(/^[0-9a-f]{16}$/);
    expect(digest('t\u0000user:42')).toBe(digest('t\u0000user:42'));
    expect(digest('t\u0000user:42')).not.toBe(digest('t\u0000user:43'));
  });

  it('types: JobOf and JobItem follow the definitions', () => {
    const payload: JobOf<typeof DemoJobs.hello> = { who: 'x', at: 'y' };
    const items: Array<JobItem<typeof DemoJobs>> = [
      { name: 'demo.hello', data: payload },
      { name: 'demo.sweep', data: {} },
    ];
    expect(items.map((i) => i.name)).toEqual(['demo.hello', 'demo.sweep']);
  });
});
