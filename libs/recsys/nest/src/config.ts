import type { SessionVelocityOptions } from '@frontier/recsys-domain';

/** Injection token of {@link RecsysConfig}. */
export const RECSYS_CONFIG = Symbol.for('frontier:recsys-config');

/** The recommender's settings (apps fill them from their validated env; every field has a default). */
export interface RecsysConfig {
  /** Event batches left unfeatured this long are queued again by the reconciler. Default 60 s. */
  reconcileAfterS?: number;
  /** Item-stats runs take batches stored at least this long ago (lets their transactions settle). Default 5 s. */
  itemRunLagS?: number;
  /** How long a feature rebuild may hold a tenant before another can take over. Default 10 min. */
  rebuildLeaseMs?: number;
  /** Bot heuristic applied to each user's events of a batch (recsys-domain SessionVelocityDetector). */
  velocity?: SessionVelocityOptions;
  /** CTR-spike check of the item micro-batches (recsys-domain detectCtrSpike): ratio and minimum 1-hour impressions. */
  spike?: { ratio?: number; minImpressions?: number };
  /** Days of impression log kept: older day partitions are dropped by the daily maintenance job. Default 90. */
  impressionRetentionDays?: number;
}

export const defaults = (c: RecsysConfig) => ({
  reconcileAfterS: c.reconcileAfterS ?? 60,
  itemRunLagS: c.itemRunLagS ?? 5,
  rebuildLeaseMs: c.rebuildLeaseMs ?? 10 * 60_000,
  velocity: c.velocity ?? {},
  spike: c.spike ?? {},
  impressionRetentionDays: c.impressionRetentionDays ?? 90,
});
