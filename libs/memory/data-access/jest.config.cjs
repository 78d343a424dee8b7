module.exports = {
  displayName: 'memory-data-access',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../../coverage/libs/memory/data-access',
};
