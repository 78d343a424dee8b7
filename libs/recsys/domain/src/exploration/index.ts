export * from './slate';
export * from './epsilon-greedy';
export * from './thompson';
export * from './ucb';
