export * from './jobs';
export * from './ranking';
export * from './training';
export * from './events';
