module.exports = {
  displayName: 'ml-runtime',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/ml/runtime',
};
