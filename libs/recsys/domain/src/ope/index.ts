export * from './types';
export * from './accumulator';
export * from './columns';
export * from './action-dist';
export * from './bootstrap';
export * from './slope';
export { percentileSorted, normalQuantile, studentTQuantile, mean, sampleStd } from './stats';
export * from './obd';
