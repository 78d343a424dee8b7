module.exports = {
  displayName: 'ml-llm',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/ml/llm',
};
