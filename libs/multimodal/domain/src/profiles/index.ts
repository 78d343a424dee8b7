export * from './profile';
export * from './registry';
export * from './llava';
export * from './qwen2-vl';
export * from './openai-tiles';
export * from './anthropic';
export * from './gemini';
