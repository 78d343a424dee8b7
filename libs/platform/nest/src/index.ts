export { PlatformModule } from './platform.module';
export { PlatformSettings } from './settings';
export { REDIS } from './redis.provider';
export { createHttpApp, bootstrapHttp, bootstrapWorker, type HttpAppOptions } from './bootstrap';
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
export { ApiKeyGuard, ApiKeyUsageRecorder, type AuthedRequest } from './auth/api-key.guard';
export { QueuedUsageRecorder } from './auth/usage.recorder';
export { TenancyService, type Principal, type IssuedKey } from './auth/tenancy.service';
export { CurrentPrincipal } from './auth/principal.decorator';
export { mintApiKey, parseApiKey, hasScopes } from './auth/api-keys';
export { TypedErrorFilter } from './errors.filter';
