export * from './jobs';
export * from './ranking';
export * from './training';
