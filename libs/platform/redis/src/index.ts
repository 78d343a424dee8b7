// The one place that makes Redis clients (single Redis or Redis Cluster) and the key helpers that
// keep multi-key work Cluster-safe.
export {
  createRedis,
  redisTarget,
  parseClusterNodes,
  clusterOptionsFor,
  duplicateClient,
  describeRedisTarget,
  isCluster,
  RedisConfigError,
  REDIS_CLUSTER_NODES,
  type RedisClient,
  type RedisNode,
  type RedisTarget,
} from './client';
export { hashTag, keyNodes, scanKeys, deleteKeys, deleteMatching, getMany, getManyBuffers } from './keys';
