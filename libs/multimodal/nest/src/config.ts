/** Injection token of the {@link MultimodalConfig} given to `MultimodalModule.register`. */
export const MULTIMODAL_CONFIG = Symbol.for('frontier:multimodal-config');

/**
 * Multimodal's settings (apps read them from their validated env). Limits: 0 or unset is unlimited;
 * each key's row in `multimodal_key_limits` overrides them.
 */
export interface MultimodalConfig {
  /** Requests per minute per API key (`MULTIMODAL_RPM`). */
  rpm?: number;
  /** Tokens per minute per API key (`MULTIMODAL_TPM`). */
  tpm?: number;
  /** US dollars per API key per UTC day (`MULTIMODAL_DAILY_BUDGET_USD`). */
  dailyBudgetUsd?: number;
  /** US dollars per API key per UTC calendar month (`MULTIMODAL_MONTHLY_BUDGET_USD`). */
  monthlyBudgetUsd?: number;
  /** How long a key's overrides are cached in process, ms (default and most 30 000). */
  keyLimitsCacheMs?: number;
  /** The billing reconciler queues events unexpanded for this long, s (default 60). */
  reconcileAfterS?: number;
  /**
   * Days of usage rows kept (`MULTIMODAL_USAGE_RETENTION_DAYS`, default {@link USAGE_RETENTION_DAYS}):
   * older day partitions of `multimodal_usage` are dropped by multimodal-worker's daily job.
   */
  usageRetentionDays?: number;
}

/** Usage rows are billing evidence: kept 800 days (two invoicing years and a dispute window) unless configured. */
export const USAGE_RETENTION_DAYS = 800;
