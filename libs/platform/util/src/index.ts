export * from './errors';
export * from './math';
export * from './random';
