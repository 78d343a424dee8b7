module.exports = {
  displayName: 'memory-domain',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/memory/domain',
};
