export { BoundedQueue } from './bounded-queue';
export { WorkerPool, type WorkerPoolOptions, type WireError } from './worker-pool';
export { serveWorker } from './serve-worker';
