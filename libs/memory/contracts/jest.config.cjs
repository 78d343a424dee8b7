module.exports = {
  displayName: 'memory-contracts',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/memory/contracts',
};
