module.exports = {
  displayName: 'platform-api',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/platform-api',
};
