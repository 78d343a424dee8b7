// Fixture: a domain library that imports a platform (non-domain) library. Must fail lint.
import { defineJobCatalog, queueOf } from '@frontier/platform-jobs';

export const name = defineJobCatalog('x', { ping: queueOf('x').job('x.ping') }).queue;
