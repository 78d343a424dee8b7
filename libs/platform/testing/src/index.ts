export { createTestDatabase, createEmptyDatabase, baseDatabaseUrl, type TestDatabase } from './database';
export { createTestRedis, baseRedisUrl, type TestRedis } from './redis';
