module.exports = {
  displayName: 'platform-crypto',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/platform/crypto',
};
