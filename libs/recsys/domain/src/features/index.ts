export * from './features';
export * from './model-input';
