export { BillingRepository, BILLING_STATUSES, type BillingStatus, type BillingEventRecord, type InsertedEvent, type ExpandOutcome, type PendingEvent } from './billing.repository';
export { UsageRepository, USAGE_GROUP_BY, type UsageGroupBy, type UsageSummaryQuery, type UsageSummaryRow } from './usage.repository';
export { KeyLimitsRepository, type KeyLimits, type KeyLimitsRecord } from './key-limits.repository';
export { mergeUsageLines, toNanoUsd, fromNanoUsd, USAGE_UNITS, DIRECTIONS } from './usage-lines';
export { createMediaFetcher, MediaFetchError, nonPublicAddress, type MediaFetcher, type MediaFetcherOptions, type FetchedMedia, type MediaFetchErrorCode } from './media-fetcher';
export { JobsRepository, type JobRecord, type JobStatus, type NewJob } from './jobs.repository';
export { KeySafetyRepository, type KeySafety } from './key-safety.repository';
export { SpendRepository, REJECTION_REASONS, type RejectionReason, type RejectionCount, type SpendKey } from './spend.repository';
