// Fixture: a domain library that imports a platform (non-domain) library. Must fail lint.
import { JobName } from '@frontier/platform-jobs';

export const name = JobName.Ping;
