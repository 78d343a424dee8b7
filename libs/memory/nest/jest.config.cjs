module.exports = {
  displayName: 'memory-nest',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/memory/nest',
};
