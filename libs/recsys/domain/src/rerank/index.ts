export * from './diversity';
