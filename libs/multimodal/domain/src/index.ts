export * from './parts';
export * from './profiles';
export * from './text';
export * from './planner';
export * from './media';
export * from './billing';
export * from './sse';
export * from './safety';
