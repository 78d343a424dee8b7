import { jobNames, jobOptionsFor } from '@frontier/platform-jobs';
import { RECSYS_INDEX_JOBS, RecsysIndexJobs, recsysChannels } from './ranking';

describe('recsys ranking contracts', () => {
  it('the index rebuild has a queue of its own, hourly, one per tenant at a time, removed when done (so the next one is queued)', () => {
    expect(RECSYS_INDEX_JOBS.queue).toBe('recsys-index');
    expect(jobNames(RECSYS_INDEX_JOBS)).toEqual(['recsys.rebuild-index']);
    expect(RECSYS_INDEX_JOBS.schedules.map((s) => [s.id, s.pattern])).toEqual([['recsys-rebuild-index', '23 * * * *']]);
    expect(jobOptionsFor(RecsysIndexJobs.rebuildIndex, { tenantId: 't' })).toMatchObject({ jobId: 'recsys-index.t', attempts: 3, removeOnComplete: true, removeOnFail: true });
    expect(jobOptionsFor(RecsysIndexJobs.rebuildIndex, {}).jobId).toBe('recsys-index.all');
  });

  it('channels live under the app prefix', () => {
    expect(recsysChannels('p')).toEqual({ itemsChanged: 'p:recsys:items-changed', indexBuilt: 'p:recsys:index-built', modelChanged: 'p:recsys:model-changed' });
  });
});
