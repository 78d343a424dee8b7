export { ItemRepository, embeddingBytes, embeddingFromBytes, type ItemRecord, type ItemUpsert, type UpsertedItem } from './item.repository';
export { EventRepository, type EventInsert, type StoredBatch, type StoredEvent, type EventBatchRecord, type ItemAggregateRow } from './event.repository';
export { ImpressionRepository, type ImpressionRecord } from './impression.repository';
export { FeatureStore, BATCH_MARKER_TTL_MS, type CounterOp, type ApplyOutcome } from './feature-store';
export {
  ModelVersionsRepository,
  lockRegistry,
  toModelVersionSummary,
  type ModelVersionSummary,
  type ModelVersionWithWeights,
  type NewModelVersion,
  type LiveChange,
  type PromotionEntry,
  type ModelState,
} from './model-versions.repository';
export {
  TrainingRunsRepository,
  LostRunError,
  ReservoirConflictError,
  type RunKey,
  type RunState,
  type TrainingMode,
  type TrainingRunRecord,
  type ReplayItem,
  type ReservoirState,
} from './training-runs.repository';
export {
  TrainingLogRepository,
  REWARD_EVENT_TYPES,
  isHoldoutRequest,
  type LoggedImpression,
  type ImpressionWindow,
  type FeatureEventRow,
  type CountsRow,
  type ItemMetaRow,
} from './training-log.repository';
export { RankingCatalogRepository, type CatalogRow, type CatalogCursor } from './ranking-catalog.repository';
export { DashboardRepository, type DashboardBucket, type CtrPoint, type FlaggedRow } from './dashboard.repository';
