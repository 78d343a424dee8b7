module.exports = {
  displayName: 'ml-ports',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/ml/ports',
};
