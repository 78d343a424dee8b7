export { createValidationPipe, badRequest, PARAM_MAX, QUERY_VALUE_MAX } from './pipe';
export { SafeString, SafeId, SafeTime, SafeInt, MaxTotalLength, type SafeTimeOptions } from './decorators';
export { BodyLimit, BODY_LIMIT, DEFAULT_BODY_LIMIT, JsonBodyInterceptor, installJsonBody, formatBytes, type JsonBodyOptions } from './body';
