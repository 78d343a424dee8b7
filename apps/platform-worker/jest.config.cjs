module.exports = {
  displayName: 'platform-worker',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/platform-worker',
};
