export * from './mlp';
export * from './two-tower';
export * from './scoring';
export * from './serialize';
