// Test helpers for integration suites on the real Postgres and Redis.
export { createTestDatabase, createEmptyDatabase, baseDatabaseUrl, type TestDatabase } from '@frontier/platform-prisma';
export { createTestRedis, baseRedisUrl, type TestRedis } from './redis';
export {
  startPrivatePostgres,
  startPrivateRedis,
  freePort,
  type PrivateInstance,
  type PrivatePostgres,
  type PrivateRedis,
  type PrivatePostgresOptions,
  type PrivateRedisOptions,
} from './private-services';
export { until } from './until';
