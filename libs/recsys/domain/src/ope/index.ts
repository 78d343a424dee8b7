export * from './types';
export * from './accumulator';
export * from './columns';
export * from './bootstrap';
export * from './slope';
export { percentileSorted, normalQuantile, studentTQuantile, mean, sampleStd } from './stats';
export * from './obd';
