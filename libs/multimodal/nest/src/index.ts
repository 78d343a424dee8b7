export { MultimodalModule } from './multimodal.module';
export { MULTIMODAL_CONFIG, type MultimodalConfig } from './config';
export { BillingService, type RecordOutcome, type BillingReconcileReport } from './billing/billing.service';
export { UsageService, USAGE_DEFAULT_DAYS, USAGE_MAX_DAYS, type UsageSummaryResponse } from './billing/usage.service';
export { UsageQueryDto } from './billing/dto/usage-query.dto';
export { LimitsService, type Admission, type AdmitInput, type SettleInput, type KeyLimitValues, type LimitsOptions } from './limits/limits.service';
export { RateLimitedError, openAiRateLimitBody, type RateLimitKind, type RateLimitedDetails, type WindowState, type BudgetState } from './limits/rate-limited.error';
export { rateLimitHeaders, formatResetDuration, type RateLimitSnapshot } from './limits/headers';
