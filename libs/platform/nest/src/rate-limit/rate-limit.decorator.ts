import { SetMetadata } from '@nestjs/common';

export const SKIP_RATE_LIMIT = 'frontier:skip-rate-limit';

/** The route is not rate limited (health and readiness probes, metrics scrapes). */
export const SkipRateLimit = () => SetMetadata(SKIP_RATE_LIMIT, true);
