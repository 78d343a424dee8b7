export { ItemRepository, embeddingBytes, embeddingFromBytes, type ItemRecord, type ItemUpsert, type UpsertedItem } from './item.repository';
export { EventRepository, type EventInsert, type StoredBatch, type StoredEvent, type EventBatchRecord, type ItemAggregateRow } from './event.repository';
export { ImpressionRepository, type ImpressionRecord } from './impression.repository';
export { ModelVersionRepository, type ModelVersionRecord, type ModelState } from './model-version.repository';
export { FeatureStore, BATCH_MARKER_TTL_MS, type CounterOp, type ApplyOutcome } from './feature-store';
