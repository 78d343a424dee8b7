export * from './jobs';
export * from './billing';
export * from './encoders';
export * from './encoder-jobs';
