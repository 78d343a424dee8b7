// The fault suite (issue 10, "Done when"): private Postgres + Redis, the real memory-api and
// memory-worker as child processes, faults injected under a stream of writes. Minutes, not seconds.
module.exports = {
  displayName: 'faults',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testTimeout: 300_000,
};
