module.exports = {
  displayName: 'platform-redis',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/platform/redis',
};
