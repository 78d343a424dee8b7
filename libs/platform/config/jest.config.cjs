module.exports = {
  displayName: 'platform-config',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/platform/config',
};
