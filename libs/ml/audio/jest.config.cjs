module.exports = {
  displayName: 'ml-audio',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  // onnxruntime-node hands back main-realm typed arrays; see jest.environment.cjs
  testEnvironment: require.resolve('./jest.environment.cjs'),
  coverageDirectory: '../../../coverage/libs/ml/audio',
};
