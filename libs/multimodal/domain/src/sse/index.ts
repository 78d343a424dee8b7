export * from './openai';
export * from './events';
