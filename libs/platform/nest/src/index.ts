export { PlatformModule } from './platform.module';
export { PlatformSettings, platformSettings, describeConnections, maskUrl, type PlatformEnvLike } from './settings';
export { REDIS, requestPathRedisOptions } from './redis.provider';
export { EVENT_BUS } from './event-bus.provider';
export { createHttpApp, bootstrapHttp, bootstrapWorker, drainAndClose, type HttpAppOptions } from './bootstrap';
export { HttpDrain, installShutdown, describeAddress, type ShutdownPlan } from './shutdown';
export { Lifecycle } from './lifecycle';
export { RateLimitGuard } from './rate-limit/rate-limit.guard';
export { SkipRateLimit } from './rate-limit/rate-limit.decorator';
export {
  createValidationPipe,
  SafeString,
  SafeId,
  SafeTime,
  SafeInt,
  MaxTotalLength,
  BodyLimit,
  DEFAULT_BODY_LIMIT,
  type SafeTimeOptions,
} from './validation';
export { PinoLogger } from './logging/logger';
export { Metrics } from './metrics/metrics';
export { Public, AdminOnly, RequireScopes } from './auth/public.decorator';
export { ApiKeyGuard, ApiKeyUsageRecorder, credential, type AuthedRequest } from './auth/api-key.guard';
export { QueuedUsageRecorder } from './auth/usage.recorder';
export { TenancyService, type Principal, type IssuedKey } from './auth/tenancy.service';
export { CurrentPrincipal } from './auth/principal.decorator';
export { mintApiKey, parseApiKey, hasScopes } from './auth/api-keys';
export { TypedErrorFilter } from './errors.filter';
