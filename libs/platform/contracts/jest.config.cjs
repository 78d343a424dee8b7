module.exports = {
  displayName: 'platform-contracts',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/platform/contracts',
};
