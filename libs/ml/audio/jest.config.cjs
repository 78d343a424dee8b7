module.exports = {
  displayName: 'ml-audio',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/ml/audio',
};
