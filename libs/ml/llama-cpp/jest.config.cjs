module.exports = {
  displayName: 'ml-llama-cpp',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/ml/llama-cpp',
};
