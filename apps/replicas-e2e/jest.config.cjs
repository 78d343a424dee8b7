// Stateless replicas, proven (issue 17): two processes of each API app and one of each worker on one
// private Postgres + Redis (then on a Redis Cluster), traffic alternated between the replicas; one
// memory-api replica in its own network namespace whose link to Redis is cut for a while.
module.exports = {
  displayName: 'replicas-e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 180_000,
};
