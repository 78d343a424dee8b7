module.exports = {
  displayName: 'platform-testing',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/platform/testing',
};
