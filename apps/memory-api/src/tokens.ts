export { MEMORY_RUNTIME, MODEL_REGISTRY } from '@frontier/memory-data-access';
