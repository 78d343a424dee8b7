module.exports = {
  displayName: 'memory-api',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/memory-api',
};
