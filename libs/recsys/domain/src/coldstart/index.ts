export * from './fallback';
export * from './projection';
