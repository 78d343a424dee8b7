export * from './types';
export { planContext } from './plan';
export { historyGroups } from './budget';
export { formatDuration, formatTokens, rejectionHint, type HintInput } from './hint';
export * from './summary';
