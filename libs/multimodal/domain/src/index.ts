export * from './parts';
export * from './profiles';
export * from './text';
