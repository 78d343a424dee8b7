module.exports = {
  displayName: 'ml-embeddings',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/ml/embeddings',
};
