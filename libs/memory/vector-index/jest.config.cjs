module.exports = {
  displayName: 'memory-vector-index',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/memory/vector-index',
};
