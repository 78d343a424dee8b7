export * from './jobs';
export * from './scope';
