module.exports = {
  displayName: 'ml-vision',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  // onnxruntime-node hands back main-realm typed arrays; the audio lib's environment shares the
  // typed-array constructors with the main realm (one file for all ML libs until it moves to tools/jest)
  testEnvironment: require.resolve('../audio/jest.environment.cjs'),
  coverageDirectory: '../../../coverage/libs/ml/vision',
};
