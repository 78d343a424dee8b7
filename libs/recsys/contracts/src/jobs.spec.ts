import { jobNames, jobOptionsFor } from '@frontier/platform-jobs';
import { RECSYS_JOBS, RecsysJobs } from './jobs';

describe('recsys job contracts', () => {
  it('the recsys queue carries features, item stats and maintenance, with their schedules', () => {
    expect(RECSYS_JOBS.queue).toBe('recsys');
    expect(jobNames(RECSYS_JOBS)).toEqual(['recsys.feature-batch', 'recsys.aggregate-items', 'recsys.reconcile-events', 'recsys.maintain-partitions', 'recsys.rebuild-features']);
    expect(RECSYS_JOBS.schedules.map((s) => [s.id, s.pattern])).toEqual([
      ['recsys-aggregate-items', '*/5 * * * *'],
      ['recsys-reconcile-events', '* * * * *'],
      ['recsys-maintain-partitions', '7 0 * * *'],
    ]);
  });

  it('one feature job per event batch, one rebuild per tenant at a time', () => {
    expect(jobOptionsFor(RecsysJobs.featureBatch, { tenantId: 't', batchId: 'b-1' })).toMatchObject({ jobId: 'recsys-features.b-1', attempts: 5 });
    expect(jobOptionsFor(RecsysJobs.rebuildFeatures, { tenantId: 't' }).jobId).toBe('recsys-rebuild.t');
    expect(jobOptionsFor(RecsysJobs.rebuildFeatures, {}).jobId).toBe('recsys-rebuild.all');
  });
});
