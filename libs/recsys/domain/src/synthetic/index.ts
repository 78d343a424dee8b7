export * from './bandit';
export * from './logistic';
