import { defineJobCatalog, queueOf } from '@frontier/platform-jobs';

/** The platform's own queue (tenants and API keys), consumed by platform-worker. */
export const PLATFORM_QUEUE = 'platform';

export interface ApiKeyUsedPayload {
  keyId: string;
  /** ISO-8601 time of use. */
  usedAt: string;
}

export interface PingPayload {
  message: string;
  sentAt: string;
}

const q = queueOf(PLATFORM_QUEUE);

export const PlatformJobs = {
  /** An API key authenticated a request: record `lastUsedAt` off the request path. */
  apiKeyUsed: q.job<ApiKeyUsedPayload>('platform.api-key-used', {
    options: { attempts: 3, removeOnComplete: { age: 3600, count: 100 } },
    // at most one bookkeeping write per key per minute
    jobId: (d) => `api-key-used.${d.keyId}.${d.usedAt.slice(0, 16).replace(/[^0-9T]/g, '')}`,
  }),
  /** Round trip through the queue, used by the demo and readiness checks of workers. */
  ping: q.job<PingPayload>('platform.ping', { options: { attempts: 1 } }),
};

export const PLATFORM_JOBS = defineJobCatalog(PLATFORM_QUEUE, PlatformJobs);
