export * from './parts';
export * from './profiles';
export * from './text';
export * from './planner';
export * from './billing';
