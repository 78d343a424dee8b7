export { SyncService, presentSynced, type SyncItem, type SyncPage, type SyncMessage, type DeltaQuery, type EditInput, type EditOutcome } from './sync.service';
export { SyncHub, type SyncPeer, type SyncConnection } from './sync.hub';
export { SyncBus } from './sync-bus';
export { SyncPublisher, SYNC_PROVIDERS, SYNC_EXPORTS } from './sync.module';
export { parseVector, formatVector, mergeVectors, parseDeviceId, isDeviceId } from './vector';
export { resolveWrite, newerThan, type WriteStamp, type DeviceEdit, type Resolution } from './resolve';
export { MemorySettingsService, type MemoryTenantSettings } from '../services/settings.service';
