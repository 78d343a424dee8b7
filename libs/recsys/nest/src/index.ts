export { RecsysModule, RECSYS_MODEL_REGISTRY, type RecsysModuleSettings } from './recsys.module';
export { RECSYS_CONFIG, type RecsysConfig } from './config';
export { ItemEmbedder } from './embedder';
export { ItemsService, type ItemInput, type UpsertItemsResult } from './items/items.service';
export { EventsService, type EventInput, type IngestResult } from './events/events.service';
export { FeaturesService, type BatchOutcome, type ItemRunOutcome, type AggregateReport, type ReconcileReport, type RebuildReport } from './features/features.service';
export { MaintenanceService, PARTITION_DAYS_AHEAD } from './features/maintenance.service';
export * from './ranking/index';
export * from './training/index';
