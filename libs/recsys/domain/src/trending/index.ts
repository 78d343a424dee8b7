export * from './trending';
