module.exports = {
  displayName: 'memory-worker',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/memory-worker',
};
