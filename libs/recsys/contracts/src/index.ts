export * from './jobs';
export * from './ranking';
