module.exports = {
  displayName: 'platform-util',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/platform/util',
};
