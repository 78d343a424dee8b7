export * from './reservoir';
export * from './incremental';
