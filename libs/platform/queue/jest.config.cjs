module.exports = {
  displayName: 'platform-queue',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/platform/queue',
};
