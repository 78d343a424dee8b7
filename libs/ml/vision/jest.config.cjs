module.exports = {
  displayName: 'ml-vision',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  // onnxruntime-node hands back main-realm typed arrays; see the environment's header
  testEnvironment: require.resolve('../../../tools/jest/shared-realm.environment.cjs'),
  coverageDirectory: '../../../coverage/libs/ml/vision',
};
