export * from './counter';
export * from './tiktoken';
export * from './memo';
