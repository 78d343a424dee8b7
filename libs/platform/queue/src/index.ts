export { OnJob, planHandlers, JobHandlerConfigError, type FoundHandler } from './handlers';
export { JobQueue } from './job-queue.service';
export { JobWorkers } from './job-workers.service';
export { QueueModule } from './queue.module';
export { QueueOptions, WorkerOptions, bullConnection, bullPrefix } from './queue.options';
