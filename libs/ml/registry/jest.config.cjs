module.exports = {
  displayName: 'ml-registry',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/ml/registry',
};
