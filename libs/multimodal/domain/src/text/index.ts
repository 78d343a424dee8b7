export * from './counter';
export * from './tiktoken';
