export * from './errors';
export * from './math';
export * from './random';
export * from './input';
export * from './unavailable';
