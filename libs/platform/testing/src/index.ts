// Test helpers for integration suites on the real Postgres and Redis.
export { createTestDatabase, createEmptyDatabase, baseDatabaseUrl, type TestDatabase } from '@frontier/platform-prisma';
export { createTestRedis, createTestRedisOn, startRedisMode, REDIS_MODES, baseRedisUrl, type TestRedis, type TestRedisOn, type RedisMode, type RedisModeServer } from './redis';
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
export { startPrivateRedisCluster, type PrivateRedisCluster, type PrivateRedisClusterOptions } from './private-redis-cluster';
export { until } from './until';
