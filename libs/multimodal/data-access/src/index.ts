export { MultimodalItemRepository, type MultimodalItemRecord } from './item.repository';
