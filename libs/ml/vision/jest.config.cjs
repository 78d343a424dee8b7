module.exports = {
  displayName: 'ml-vision',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/ml/vision',
};
